-- For each write of a batch that committed (in the batch's order, from 1): whether it applied, that is whether its row
-- is at the version it moved to and holds the state it wrote (null for a clear).
SELECT write.ordinal, grain_state.state IS NOT DISTINCT FROM write.state
FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::jsonb[]) WITH ORDINALITY AS write(grain_type, grain_key, state_name, version, state, ordinal)
JOIN grain_state ON grain_state.service_id = $1 AND grain_state.grain_type = write.grain_type AND grain_state.grain_key = write.grain_key
    AND grain_state.state_name = write.state_name AND grain_state.version = write.version
