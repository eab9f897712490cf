-- The day's readings are in PostgreSQL again (in the transaction that copied them back).
UPDATE metric_archive SET attached_at = $2 WHERE day = $1
