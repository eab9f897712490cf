-- No row back means another silo declared this one dead: it must stop serving.
UPDATE silo_membership
SET last_heartbeat = now(), stats = $3
WHERE cluster_id = $1 AND silo_id = $2 AND status <> 'dead'
RETURNING status
