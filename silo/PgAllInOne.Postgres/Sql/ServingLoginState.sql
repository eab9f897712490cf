-- No row: the login does not exist. Membership counts only when it is inherited (the rights apply without SET ROLE).
SELECT rolsuper, pg_has_role(oid, 'pgaio_serving', 'USAGE')
FROM pg_roles
WHERE rolname = $1
