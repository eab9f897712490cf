-- One silo at a time: the others skip this round instead of waiting.
SELECT pg_try_advisory_xact_lock($1)
