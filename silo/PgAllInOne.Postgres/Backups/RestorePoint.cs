namespace PgAllInOne.Postgres.Backups;

/// <summary>A named point in the WAL (pg_create_restore_point) that a restore can stop at.</summary>
public sealed record RestorePoint(string Name, DateTimeOffset Time, string Lsn);
