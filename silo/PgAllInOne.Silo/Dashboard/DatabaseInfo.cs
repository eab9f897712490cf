namespace PgAllInOne.Silo.Dashboard;

/// <summary>The PostgreSQL view beside Orleans' dashboard; <see cref="SlowStatements"/> is null without pg_stat_statements.</summary>
public sealed record DatabaseInfo(IReadOnlyList<PoolState> Connections, IReadOnlyList<SlowStatement>? SlowStatements, IReadOnlyList<PartitionSize> Partitions, CacheStats Cache);
