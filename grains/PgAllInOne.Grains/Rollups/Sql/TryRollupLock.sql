-- One rollup job at a time across silos: the others skip the round.
SELECT pg_try_advisory_xact_lock($1)
