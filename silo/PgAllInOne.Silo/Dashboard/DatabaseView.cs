using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using PgAllInOne.Api.Contracts.Audit;
using PgAllInOne.Postgres;
using PgAllInOne.Silo.Api.Audit;
using PgAllInOne.Silo.Api.OpenApi;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Dashboard;

/// <summary>
/// GET /api/dashboard/database: what Orleans' dashboard cannot show — the database's hosts (primary, standbys and their
/// lag), connections, slow statements, partitions, and the query cache. Connections and slow statements are the
/// primary's own (a standby counts only what runs on it), null while no primary can be reached; partitions are read
/// from a standby when one is close enough. An admin key's session also sees the newest entries of the audit trail (read
/// from the primary, so that the latest action shows at once; from a standby while the primary is away).
/// </summary>
internal static class DatabaseView
{
    /// <summary>The example the OpenAPI document shows of <see cref="DatabaseInfo"/>.</summary>
    public static readonly SchemaExample Example = SchemaExample.For<DatabaseInfo>("""{"connections":[{"state":"active","connections":1},{"state":"idle","connections":3}],"slowStatements":null,"partitions":[{"table":"events","partition":"events_p2026_10","bytes":32768,"rows":120}],"cache":{"hits":10,"misses":2,"hitRatio":0.83},"hosts":[{"host":"10.0.0.1:5432","role":"primary","lagSeconds":null},{"host":"10.0.0.2:5432","role":"standby","lagSeconds":0.012}],"audit":[{"id":7,"at":"2026-10-01T12:00:00+00:00","action":"key.revoked","target":"keys/4","keyId":2,"keyName":"ops","clientAddress":"10.0.0.5","requestId":"4bf92f3577b34da6a3ce929d0e0e4736"}]}""");

    /// <summary>How many of the audit trail's newest entries the view shows.</summary>
    public const int AuditEntries = 50;

    public static async Task<Ok<DatabaseInfo>> ReadAsync(ClaimsPrincipal user, PostgresDatabase database, StandbyReads reads, PostgresTopology topology, CacheCounters cache, CancellationToken cancellationToken)
    {
        var dataSource = database.DataSource;
        IReadOnlyList<PoolState>? connections = null;
        IReadOnlyList<SlowStatement>? slow = null;
        try
        {
            connections = await ReadAsync(dataSource, "PoolConnections.sql", r => new PoolState(r.GetString(0), r.GetInt64(1)), cancellationToken);
            await using var has = dataSource.CreateCommand(SiloSql.Get("Dashboard/HasStatStatements.sql"));
            if ((bool)(await has.ExecuteScalarAsync(cancellationToken))!)
            {
                slow = await ReadAsync(dataSource, "SlowStatements.sql", r => new SlowStatement(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3)), cancellationToken);
            }
        }
        catch (Exception exception) when (PostgresFailure.IsTransient(exception) && !cancellationToken.IsCancellationRequested)
        {
            // No primary now (a failover): its own connections and statements are unknown until one is back; the hosts,
            // partitions and audit trail are what an operator needs meanwhile, and a standby has them.
            (connections, slow) = (null, null);
        }

        var partitions = await reads.ReadAsync(source => ReadAsync(source, "PartitionSizes.sql", r => new PartitionSize(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)), cancellationToken));
        IReadOnlyList<AuditEntry>? audit = user.IsInRole(ApiRoles.Admin)
            ? await PrimaryElseStandbyAsync(reads, dataSource, source => AuditApi.ReadAsync(source, from: null, to: null, action: null, AuditEntries, cancellationToken))
            : null;
        return TypedResults.Ok(new DatabaseInfo(connections, slow, partitions, cache.Read(), DatabaseHost.Of(topology), audit));
    }

    // The primary first (the latest action shows at once); while it cannot be reached, a standby close enough (with no
    // primary, the furthest standby holds every acknowledged commit).
    private static async Task<T> PrimaryElseStandbyAsync<T>(StandbyReads reads, NpgsqlDataSource primary, Func<NpgsqlDataSource, Task<T>> read)
    {
        try
        {
            return await read(primary);
        }
        catch (Exception exception) when (PostgresFailure.IsTransient(exception))
        {
            return await reads.OnStandbyAsync(read, exception);
        }
    }

    private static async Task<List<T>> ReadAsync<T>(NpgsqlDataSource dataSource, string file, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SiloSql.Get("Dashboard/" + file));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
