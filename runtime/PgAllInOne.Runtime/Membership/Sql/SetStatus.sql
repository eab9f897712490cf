UPDATE silo_membership
SET status = $3, last_heartbeat = now()
WHERE cluster_id = $1 AND silo_id = $2 AND status <> 'dead'
