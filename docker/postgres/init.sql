-- Runs once, when the data volume is empty. pg_stat_statements and pgaudit are preloaded by the server's command
-- line; the extensions make pg_stat_statements' view queryable and let pgaudit name the objects of DDL statements.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS pgaudit;
