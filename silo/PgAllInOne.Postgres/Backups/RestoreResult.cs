namespace PgAllInOne.Postgres.Backups;

/// <summary>A finished restore: the base backup it started from, what PostgreSQL said of where it stopped, how long it took.</summary>
public sealed record RestoreResult(string BaseBackupId, string ClusterDirectory, string? StoppedAt, TimeSpan Duration);
