-- The WAL receiver's slot, reserving WAL from now on: nothing is removed before pg_receivewal has it.
SELECT pg_create_physical_replication_slot($1, true)
WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1);
