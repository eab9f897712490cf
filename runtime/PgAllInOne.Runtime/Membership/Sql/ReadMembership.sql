SELECT silo_id, generation, endpoint, status, started_at, last_heartbeat
FROM silo_membership
WHERE cluster_id = $1
ORDER BY silo_id
