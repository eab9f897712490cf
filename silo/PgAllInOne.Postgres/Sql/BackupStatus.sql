-- How far the WAL receiver has taken the WAL, beside how far the server has flushed its own. With synchronous backups
-- ($2) that is what it has flushed, what commits wait for; otherwise what it has written: pg_receivewal without
-- --synchronous flushes only as a segment ends, so a restore point would wait for up to a whole segment of writes.
-- Then how long ago the server last heard from the receiver (null while it has no replication connection), and the
-- synchronous standbys as configured now.
SELECT pg_current_wal_flush_lsn()::text AS server_flushed,
       coalesce(
           (SELECT (CASE WHEN $2 THEN flush_lsn ELSE write_lsn END)::text
            FROM pg_stat_replication WHERE application_name = $1 ORDER BY backend_start DESC LIMIT 1),
           (SELECT restart_lsn::text FROM pg_replication_slots WHERE slot_name = $1)) AS receiver_flushed,
       EXISTS (SELECT 1 FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming') AS streaming,
       (SELECT extract(epoch FROM clock_timestamp() - coalesce(reply_time, backend_start))::float8
        FROM pg_stat_replication WHERE application_name = $1 ORDER BY backend_start DESC LIMIT 1) AS reply_age_seconds,
       current_setting('synchronous_standby_names') AS synchronous_names;
