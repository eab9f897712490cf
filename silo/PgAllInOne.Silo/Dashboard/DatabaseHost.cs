namespace PgAllInOne.Silo.Dashboard;

/// <summary>A host of the connection string as this silo last saw it: primary, standby or unreachable, and a standby's lag in seconds.</summary>
public sealed record DatabaseHost(string Host, string Role, double? LagSeconds)
{
    internal static IReadOnlyList<DatabaseHost> Of(PgAllInOne.Postgres.PostgresTopology topology) =>
        [.. topology.Hosts.Select(h => new DatabaseHost(h.Host, h.Role.ToString().ToLowerInvariant(), h.Lag is { } lag ? Math.Round(lag.TotalSeconds, 3) : null))];
}
