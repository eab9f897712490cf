-- Under a transaction-scoped advisory lock, so that silos starting together create one first admin key between them.
SELECT pg_advisory_xact_lock(hashtext('pgaio_first_admin_key'));
