namespace PgAllInOne.Silo.Dashboard;

/// <summary>The key page's body: the key to exchange for a session cookie.</summary>
public sealed record SessionRequest(string? Key);
