-- In the batch's own transaction: the batch committed exactly when this row did.
INSERT INTO group_commit_log (id) VALUES ($1)
