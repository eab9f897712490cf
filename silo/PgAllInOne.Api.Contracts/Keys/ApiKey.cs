namespace PgAllInOne.Api.Contracts.Keys;

public sealed record ApiKey(long Id, string Name, string Role, DateTimeOffset CreatedAt);
