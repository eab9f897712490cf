-- How far the WAL receiver has flushed, beside how far the server has flushed its own WAL.
SELECT pg_current_wal_flush_lsn()::text AS server_flushed,
       coalesce(
           (SELECT flush_lsn::text FROM pg_stat_replication WHERE application_name = $1 ORDER BY backend_start DESC LIMIT 1),
           (SELECT restart_lsn::text FROM pg_replication_slots WHERE slot_name = $1)) AS receiver_flushed,
       EXISTS (SELECT 1 FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming') AS streaming;
