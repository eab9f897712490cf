using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Runtime.Database;
using PgAllInOne.Runtime.Hosting;
using PgAllInOne.Runtime.Telemetry;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.Cluster;

public static class ClusterApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RouteHandlerBuilder MapClusterApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/cluster", ReadAsync).WithTags("Cluster").RequireAuthorization(ApiRoles.Reader);

    /// <summary>Every silo of the cluster as it last reported itself with its heartbeat.</summary>
    internal static async Task<Ok<ClusterInfo>> ReadAsync(PostgresDatabase database, IOptions<SiloOptions> options, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(SiloSql.Get("ReadCluster.sql"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = options.Value.ClusterId });
        var silos = new List<SiloInfo>();
        var totals = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var status = reader.GetString(2);
            var stats = reader.IsDBNull(5) || status == "dead" ? null : JsonSerializer.Deserialize<SiloStatsSnapshot>(reader.GetString(5), Json);
            foreach (var (type, count) in stats?.Activations ?? new Dictionary<string, int>())
            {
                totals[type] = totals.GetValueOrDefault(type) + count;
            }

            silos.Add(new SiloInfo(
                reader.GetString(0),
                reader.GetString(1),
                status,
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                stats?.Activations.Values.Sum() ?? 0,
                stats));
        }

        return TypedResults.Ok(new ClusterInfo(options.Value.ClusterId, silos, totals));
    }
}
