using PgAllInOne.Api.Contracts.Audit;

namespace PgAllInOne.Silo.Dashboard;

/// <summary>
/// The PostgreSQL view beside Orleans' dashboard; <see cref="Connections"/> (the primary's) is null while no primary can
/// be reached, <see cref="SlowStatements"/> then too, and without pg_stat_statements.
/// <see cref="Hosts"/>: each host of the connection string, its role and, for a standby, its lag. <see cref="Audit"/>:
/// the newest entries of the audit trail, newest first, for an admin key's session; null for any other role (the trail
/// is the admins' alone, as GET /api/audit is).
/// </summary>
public sealed record DatabaseInfo(
    IReadOnlyList<PoolState>? Connections,
    IReadOnlyList<SlowStatement>? SlowStatements,
    IReadOnlyList<PartitionSize> Partitions,
    CacheStats Cache,
    IReadOnlyList<DatabaseHost> Hosts,
    IReadOnlyList<AuditEntry>? Audit);
