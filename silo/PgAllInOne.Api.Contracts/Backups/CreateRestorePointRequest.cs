namespace PgAllInOne.Api.Contracts.Backups;

public sealed record CreateRestorePointRequest(string? Name);
