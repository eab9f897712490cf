-- Template: {parent}, {partition}, {column}, {from}, {to} come from the maintenance job's own dates, never from input.
-- Rows that waited in the default partition move into the new one, so attaching it never fails on them.
CREATE TABLE {partition} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
-- The serving role reaches rows through the parent (sql/0015): the partition keeps none of the default rights.
REVOKE ALL ON {partition} FROM pgaio_serving;
WITH moved AS (
  DELETE FROM {parent}_default WHERE {column} >= '{from}' AND {column} < '{to}' RETURNING *
)
INSERT INTO {partition} SELECT * FROM moved;
ALTER TABLE {parent} ATTACH PARTITION {partition} FOR VALUES FROM ('{from}') TO ('{to}');
