-- Template: {parent}, {partition}, {column}, {from}, {to} come from the partition scheme's own dates, never from input.
-- A writer's partition on demand: created empty and attached (attaching takes a lighter lock on the parent than
-- CREATE ... PARTITION OF). If the default partition already holds rows of the period the attach fails, the rows
-- stay where they are and maintenance moves them.
CREATE TABLE IF NOT EXISTS {partition} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
-- The serving role reaches rows through the parent (sql/0015): the partition keeps none of the default rights.
REVOKE ALL ON {partition} FROM pgaio_serving;
ALTER TABLE {parent} ATTACH PARTITION {partition} FOR VALUES FROM ('{from}') TO ('{to}');
