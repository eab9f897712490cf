-- Asks whether a group commit committed, and makes sure it never will if it has not: the insert waits for a transaction
-- that holds the same id uncommitted, then finds its row (it committed) or takes the id itself, as abandoned.
-- Asking again finds the same answer.
INSERT INTO group_commit_log AS entry (id, abandoned) VALUES ($1, true)
ON CONFLICT (id) DO UPDATE SET abandoned = entry.abandoned
RETURNING NOT entry.abandoned
