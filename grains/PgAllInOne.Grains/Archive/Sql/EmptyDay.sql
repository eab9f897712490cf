-- Template: {partitions} are the day's raw and compacted partitions (names from the partition scheme, never input),
-- locked by this transaction. The statement triggers of metrics do not fire: the day's rollups stay as they are.
TRUNCATE {partitions}
