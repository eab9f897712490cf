-- Events of many users in one statement: one row per event, each with its user.
INSERT INTO events (user_id, type, data, occurred_at)
SELECT event.user_id, event.type, event.data, event.occurred_at
FROM unnest($1::bigint[], $2::text[], $3::jsonb[], $4::timestamptz[]) AS event(user_id, type, data, occurred_at)
