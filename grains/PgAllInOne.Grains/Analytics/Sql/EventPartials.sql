-- One slice of an events query: count, first and last per group. $1 names the group: type, day (UTC) or user.
SELECT CASE $1
         WHEN 'type' THEN type
         WHEN 'day' THEN to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
         ELSE user_id::text
       END AS key,
       count(*), min(occurred_at), max(occurred_at)
FROM events
WHERE occurred_at >= $2 AND occurred_at < $3 AND ($4::text IS NULL OR type = $4)
GROUP BY 1
