INSERT INTO silo_membership (cluster_id, silo_id, generation, endpoint, status)
VALUES ($1, $2, $3, $4, 'active')
ON CONFLICT (cluster_id, silo_id) DO UPDATE
SET generation = excluded.generation, endpoint = excluded.endpoint, status = 'active',
    started_at = now(), last_heartbeat = now(), declared_dead_by = NULL
