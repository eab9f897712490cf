-- The silos of the backed-up cluster are gone after a restore: a silo started on the restored folder must not wait to
-- reach them (it would try for Orleans' whole join time before declaring them dead).
DO $$
BEGIN
  IF to_regclass('orleans_membership') IS NOT NULL THEN
    DELETE FROM orleans_membership;
  END IF;
END
$$;
