namespace PgAllInOne.Postgres.Backups;

/// <summary>
/// A finished restore: the base backup it started from, what PostgreSQL said of where it stopped, how long it took, and
/// whether the backup was of a silo's embedded PostgreSQL (its password kept beside the backups: a silo can serve the
/// folder) rather than of another server (the folder is a plain data folder for PostgreSQL itself).
/// </summary>
public sealed record RestoreResult(string BaseBackupId, string ClusterDirectory, string? StoppedAt, TimeSpan Duration, bool OfEmbeddedServer);
