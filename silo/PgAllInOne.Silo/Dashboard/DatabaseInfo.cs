namespace PgAllInOne.Silo.Dashboard;

/// <summary>
/// The PostgreSQL view beside Orleans' dashboard; <see cref="SlowStatements"/> is null without pg_stat_statements.
/// <see cref="Hosts"/>: each host of the connection string, its role and, for a standby, its lag.
/// </summary>
public sealed record DatabaseInfo(IReadOnlyList<PoolState> Connections, IReadOnlyList<SlowStatement>? SlowStatements, IReadOnlyList<PartitionSize> Partitions, CacheStats Cache, IReadOnlyList<DatabaseHost> Hosts);
