-- For the rest of the transaction: a lock not had within $1 (e.g. '1000ms') fails the statement (55P03) instead of
-- queueing writers behind it.
SELECT set_config('lock_timeout', $1, true)
