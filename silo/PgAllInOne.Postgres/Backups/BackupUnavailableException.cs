namespace PgAllInOne.Postgres.Backups;

/// <summary>Backups are not configured, or cannot do what was asked now; the HTTP facade answers 503.</summary>
public sealed class BackupUnavailableException(string message) : Exception(message);
