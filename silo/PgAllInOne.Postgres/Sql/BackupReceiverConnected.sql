-- Whether a WAL receiver of the backups (of whichever silo) is connected now.
SELECT EXISTS (SELECT 1 FROM pg_stat_replication WHERE application_name = $1);
