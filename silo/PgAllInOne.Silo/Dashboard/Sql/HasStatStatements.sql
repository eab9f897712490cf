SELECT to_regclass('pg_stat_statements') IS NOT NULL
