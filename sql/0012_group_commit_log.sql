-- The commit log of group commits: one row per batch, written in the batch's own transaction, so that a writer that
-- lost the answer of a commit (the connection cut after PostgreSQL committed) can ask whether it committed. A writer
-- that asks fences the id (inserting it as abandoned): a commit still in flight then either committed before the
-- question or can never commit. The ids are time-ordered (UUIDv7), so maintenance purges old rows by a range of the
-- primary key; rows are needed only until the question is answered, within a request's timeout.
CREATE TABLE group_commit_log (
    id uuid PRIMARY KEY,
    abandoned boolean NOT NULL DEFAULT false
);
