-- Uses the database's clock only, so silos with skewed clocks still agree on who is late.
UPDATE silo_membership
SET status = 'dead', declared_dead_by = $2
WHERE cluster_id = $1 AND silo_id <> $2 AND status <> 'dead'
  AND last_heartbeat < now() - make_interval(secs => $3)
RETURNING silo_id
