namespace PgAllInOne.Api.Contracts.Backups;

/// <summary>A base backup asked for: its id (the folder it is written to), listed by GET /api/backups once started.</summary>
public sealed record BackupStarted(string Id);
