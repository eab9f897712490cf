namespace PgAllInOne.Api.Contracts.Backups;

/// <summary>A base backup: when it was taken, its size, and whether pg_verifybackup found it whole.</summary>
public sealed record BaseBackupView(string Id, DateTimeOffset Started, DateTimeOffset? Finished, long SizeBytes, bool Verified);
