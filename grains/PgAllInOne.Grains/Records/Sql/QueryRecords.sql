-- Template: {conditions} and {order} are fragments fixed in RecordFilter's code; every value is a parameter.
SELECT id, data, type, session_id, thread_id, metadata, version, created_at, updated_at, expires_at
FROM records
WHERE (expires_at IS NULL OR expires_at > $2){conditions}
ORDER BY {order}
LIMIT $1
