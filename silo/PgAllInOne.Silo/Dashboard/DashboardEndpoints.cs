using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Dashboard;

public sealed record PoolState(string State, long Connections);

public sealed record SlowStatement(string Query, long Calls, double MeanMs, double TotalMs);

public sealed record PartitionSize(string Table, string Partition, long Bytes, long Rows);

public sealed record DatabaseInfo(IReadOnlyList<PoolState> Connections, IReadOnlyList<SlowStatement>? SlowStatements, IReadOnlyList<PartitionSize> Partitions);

public static class DashboardEndpoints
{
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("dashboard.html")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>GET /dashboard (the page; it holds no data and needs no key) and GET /api/dashboard/database (reader).</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard", (HttpResponse response) =>
        {
            // Everything the page needs is inline: nothing may load from elsewhere.
            response.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:";
            return Results.Content(Page.Value, "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        app.MapGet("/api/dashboard/database", ReadDatabaseAsync).WithTags("Cluster").RequireAuthorization(ApiRoles.Reader);
        return app;
    }

    private static async Task<Ok<DatabaseInfo>> ReadDatabaseAsync(PostgresDatabase database, CancellationToken cancellationToken)
    {
        var dataSource = database.DataSource;
        var connections = await ReadAsync(dataSource, "PoolConnections.sql", r => new PoolState(r.GetString(0), r.GetInt64(1)), cancellationToken);
        IReadOnlyList<SlowStatement>? slow = null;
        await using (var has = dataSource.CreateCommand(SiloSql.Get("HasStatStatements.sql")))
        {
            if ((bool)(await has.ExecuteScalarAsync(cancellationToken))!)
            {
                slow = await ReadAsync(dataSource, "SlowStatements.sql", r => new SlowStatement(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3)), cancellationToken);
            }
        }

        var partitions = await ReadAsync(dataSource, "PartitionSizes.sql", r => new PartitionSize(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)), cancellationToken);
        return TypedResults.Ok(new DatabaseInfo(connections, slow, partitions));
    }

    private static async Task<List<T>> ReadAsync<T>(NpgsqlDataSource dataSource, string file, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SiloSql.Get(file));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
