-- What one host of a multi-host connection string is: a standby (in recovery) or the primary, and how far its WAL
-- goes (the primary: written so far; a standby: replayed so far).
SELECT pg_is_in_recovery(),
       CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END
