-- The membership of 0002 (and its stats column of 0008) was replaced by Orleans' own tables (0009); nothing reads it.
DROP TABLE IF EXISTS silo_membership;
