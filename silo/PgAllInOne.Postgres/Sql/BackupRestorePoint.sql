-- A named point in the WAL that a restore can stop at, and when it was set.
SELECT pg_create_restore_point($1)::text AS lsn, now() AS at;
