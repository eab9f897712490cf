ALTER SYSTEM RESET synchronous_standby_names;
