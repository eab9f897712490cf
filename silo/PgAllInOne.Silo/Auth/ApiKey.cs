namespace PgAllInOne.Silo.Auth;

public sealed record ApiKey(long Id, string Name, string Role, DateTimeOffset CreatedAt);

/// <summary>A new key: <see cref="Key"/> is shown once, here, and stored only as a hash.</summary>
public sealed record CreatedApiKey(long Id, string Name, string Role, string Key);
