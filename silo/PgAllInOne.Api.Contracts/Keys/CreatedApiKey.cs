namespace PgAllInOne.Api.Contracts.Keys;

/// <summary>A new key: <see cref="Key"/> is shown once, here, and stored only as a hash.</summary>
public sealed record CreatedApiKey(long Id, string Name, string Role, string Key);
