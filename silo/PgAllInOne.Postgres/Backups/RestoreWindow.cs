namespace PgAllInOne.Postgres.Backups;

/// <summary>
/// The points in time a restore can reach: from the end of the oldest verified base backup to the last commit in the
/// streamed WAL (PostgreSQL stops a restore at a commit; a time after the last one could not be told from one whose
/// writes are missing).
/// </summary>
public sealed record RestoreWindow(DateTimeOffset? Earliest, DateTimeOffset? Latest);
