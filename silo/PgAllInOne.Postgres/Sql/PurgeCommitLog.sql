-- Ids are UUIDv7: below the bound means logged before its time.
DELETE FROM group_commit_log WHERE id < $1
