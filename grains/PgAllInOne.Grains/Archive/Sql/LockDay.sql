-- Template: {partitions} are the day's raw and compacted partitions. Writers into this one day wait from here to the
-- commit (a count and a TRUNCATE); readers of it too.
LOCK TABLE {partitions} IN ACCESS EXCLUSIVE MODE
