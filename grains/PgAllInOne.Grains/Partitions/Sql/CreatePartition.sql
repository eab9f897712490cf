-- Template: {parent}, {partition}, {column}, {from}, {to} come from the partition scheme's own dates, never from input.
-- Rows that waited in the default partition move into the new one, so attaching it never fails on them. Until the
-- final LOCK, writers may still add rows to the default partition (the DELETE takes a row lock only); the lock
-- holds them off just while the rows they added meanwhile move and the attach checks the default partition.
CREATE TABLE IF NOT EXISTS {partition} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
-- The serving role reaches rows through the parent (sql/0015): the partition keeps none of the default rights.
REVOKE ALL ON {partition} FROM pgaio_serving;
WITH moved AS (
  DELETE FROM {parent}_default WHERE {column} >= '{from}' AND {column} < '{to}' RETURNING *
)
INSERT INTO {partition} SELECT * FROM moved;
LOCK TABLE {parent}_default IN ACCESS EXCLUSIVE MODE;
WITH moved AS (
  DELETE FROM {parent}_default WHERE {column} >= '{from}' AND {column} < '{to}' RETURNING *
)
INSERT INTO {partition} SELECT * FROM moved;
ALTER TABLE {parent} ATTACH PARTITION {partition} FOR VALUES FROM ('{from}') TO ('{to}');
