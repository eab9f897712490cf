-- Live silos, and silos that ended in the last hour (so that a crash stays visible for a while).
SELECT silo_id, endpoint, status, started_at, last_heartbeat, stats
FROM silo_membership
WHERE cluster_id = $1 AND (status <> 'dead' OR last_heartbeat > now() - interval '1 hour')
ORDER BY started_at, silo_id
