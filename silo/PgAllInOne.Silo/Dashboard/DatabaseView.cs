using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Silo.Api.OpenApi;

namespace PgAllInOne.Silo.Dashboard;

/// <summary>
/// GET /api/dashboard/database: what Orleans' dashboard cannot show — the database's hosts (primary, standbys and their
/// lag), connections, slow statements, partitions, and the query cache. Connections and slow statements are the
/// primary's own (a standby counts only what runs on it); partitions are read from a standby when one is close enough.
/// </summary>
internal static class DatabaseView
{
    /// <summary>The example the OpenAPI document shows of <see cref="DatabaseInfo"/>.</summary>
    public static readonly SchemaExample Example = SchemaExample.For<DatabaseInfo>("""{"connections":[{"state":"active","connections":1},{"state":"idle","connections":3}],"slowStatements":null,"partitions":[{"table":"events","partition":"events_p2026_10","bytes":32768,"rows":120}],"cache":{"hits":10,"misses":2,"hitRatio":0.83},"hosts":[{"host":"10.0.0.1:5432","role":"primary","lagSeconds":null},{"host":"10.0.0.2:5432","role":"standby","lagSeconds":0.012}]}""");

    public static async Task<Ok<DatabaseInfo>> ReadAsync(PostgresDatabase database, StandbyReads reads, PostgresTopology topology, CacheCounters cache, CancellationToken cancellationToken)
    {
        var dataSource = database.DataSource;
        var connections = await ReadAsync(dataSource, "PoolConnections.sql", r => new PoolState(r.GetString(0), r.GetInt64(1)), cancellationToken);
        IReadOnlyList<SlowStatement>? slow = null;
        await using (var has = dataSource.CreateCommand(SiloSql.Get("Dashboard/HasStatStatements.sql")))
        {
            if ((bool)(await has.ExecuteScalarAsync(cancellationToken))!)
            {
                slow = await ReadAsync(dataSource, "SlowStatements.sql", r => new SlowStatement(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3)), cancellationToken);
            }
        }

        var partitions = await reads.ReadAsync(source => ReadAsync(source, "PartitionSizes.sql", r => new PartitionSize(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)), cancellationToken));
        return TypedResults.Ok(new DatabaseInfo(connections, slow, partitions, cache.Read(), DatabaseHost.Of(topology)));
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
