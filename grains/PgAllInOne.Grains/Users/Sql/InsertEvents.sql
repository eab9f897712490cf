INSERT INTO events (user_id, type, data, occurred_at)
SELECT $1, event.type, event.data, event.occurred_at
FROM unnest($2::text[], $3::jsonb[], $4::timestamptz[]) AS event(type, data, occurred_at)
