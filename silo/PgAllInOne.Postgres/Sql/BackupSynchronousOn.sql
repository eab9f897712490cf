-- A commit is acknowledged once the WAL receiver (application_name pgaio_backup) has flushed it to the backup directory.
ALTER SYSTEM SET synchronous_standby_names = 'pgaio_backup';
