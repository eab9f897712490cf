-- The embedded server's serving login: created once, its password set from the session settings of
-- SetServingLogin.sql (bound parameters), so that the password is never part of a statement's text.
DO $$
DECLARE
  login text := current_setting('pgaio.serving_login');
  secret text := current_setting('pgaio.serving_password');
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = login) THEN
    EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT PASSWORD %L', login, secret);
  ELSE
    EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT PASSWORD %L', login, secret);
  END IF;
END
$$
