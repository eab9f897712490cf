-- A role name cannot be a bound parameter of GRANT: PostgreSQL builds the statement, quoting the name as an identifier.
SELECT format('GRANT pgaio_serving TO %I', $1::text)
