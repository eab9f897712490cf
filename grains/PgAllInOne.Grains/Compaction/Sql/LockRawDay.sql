-- Template: {partition} is a metrics day partition. Writers into this one day wait from here to the commit: only the
-- rows written since the bulk move are left to move before the TRUNCATE gives the partition's pages back.
LOCK TABLE {partition} IN ACCESS EXCLUSIVE MODE
