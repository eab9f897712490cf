-- In the transaction of the writes the keys guard: a key taken already (or being taken by a transaction still open)
-- fails the statement with a unique violation once that transaction has committed, and the write with it.
INSERT INTO idempotency_keys (scope, key, fingerprint, result, created_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[], $5::timestamptz[])
