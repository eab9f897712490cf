-- One slice of events by user: count, first and last per user, of one type ($3) when given. Grouped by the user id
-- itself and named as text after: hashing a bigint, not its text, is the cheaper grouping (no rollup holds users).
SELECT user_id::text, count(*), min(occurred_at), max(occurred_at)
FROM events
WHERE occurred_at >= $1 AND occurred_at < $2 AND ($3::text IS NULL OR type = $3)
GROUP BY user_id
