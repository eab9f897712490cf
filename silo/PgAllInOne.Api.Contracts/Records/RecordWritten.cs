namespace PgAllInOne.Api.Contracts.Records;

public sealed record RecordWritten(string Id, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ExpiresAt);
