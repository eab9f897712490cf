-- Runs once, when the data volume is empty. pg_stat_statements is preloaded by the server's command line;
-- the extension makes its view queryable in the silos' database.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
