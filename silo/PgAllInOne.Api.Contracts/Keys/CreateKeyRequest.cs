namespace PgAllInOne.Api.Contracts.Keys;

public sealed record CreateKeyRequest(string? Name, string? Role);
