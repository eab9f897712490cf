-- What one host of a multi-host connection string is: a standby (in recovery) or the primary, how far its WAL goes
-- (the primary: written so far; a standby: replayed so far), and whether a standby has replayed all it received.
SELECT pg_is_in_recovery(),
       CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,
       NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn()
