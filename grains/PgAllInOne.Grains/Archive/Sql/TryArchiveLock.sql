-- One silo archives at a time, for a whole round (the export runs outside the day's transaction): a session lock,
-- released at the round's end or with the connection.
SELECT pg_try_advisory_lock(hashtext('pgaio_metric_archive'))
