namespace PgAllInOne.Silo.Dashboard;

/// <summary>Connections to the cluster's database in one state (all silos' pools together).</summary>
public sealed record PoolState(string State, long Connections);
