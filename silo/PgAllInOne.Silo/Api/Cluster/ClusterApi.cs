using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using PgAllInOne.Api.Contracts.Cluster;
using PgAllInOne.Silo.Api.OpenApi;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.Cluster;

public static class ClusterApi
{
    public static RouteHandlerBuilder MapClusterApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/cluster", ReadAsync).WithTags("Cluster").RequireAuthorization(ApiRoles.Reader)
            .WithExamples(ClusterContract.ClusterInfo, ClusterContract.SiloInfo, ClusterContract.SiloStats);

    /// <summary>
    /// The silos of the cluster from Orleans' membership, with activations, CPU and memory of the live ones. Silos that
    /// left (dead) are left out unless <paramref name="all"/> is true; they stay in the membership for
    /// <c>Membership:DefunctSiloExpiration</c> and are then cleaned from it.
    /// </summary>
    internal static async Task<Ok<ClusterInfo>> ReadAsync(IGrainFactory grains, IOptions<ClusterOptions> cluster, [FromQuery] bool all = false)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = (await management.GetDetailedHosts(onlyActive: false)).Where(h => all || h.Status != SiloStatus.Dead).ToArray();
        var active = hosts.Where(h => h.Status == SiloStatus.Active).Select(h => h.SiloAddress).ToArray();
        var activations = (await management.GetSimpleGrainStatistics(active))
            .ToLookup(s => s.SiloAddress, s => (Type: ShortTypeName(s.GrainType), s.ActivationCount));
        var runtime = active.Length == 0 ? [] : await management.GetRuntimeStatistics(active);
        var silos = new List<SiloInfo>();
        for (var i = 0; i < hosts.Length; i++)
        {
            var host = hosts[i];
            var index = Array.IndexOf(active, host.SiloAddress);
            SiloStats? stats = null;
            if (index >= 0)
            {
                var byType = activations[host.SiloAddress].GroupBy(a => a.Type).ToDictionary(g => g.Key, g => g.Sum(a => a.ActivationCount), StringComparer.Ordinal);
                var environment = runtime[index].EnvironmentStatistics;
                stats = new SiloStats(byType, environment.FilteredCpuUsagePercentage, environment.FilteredMemoryUsageBytes);
            }

            silos.Add(new SiloInfo(
                host.SiloName,
                host.SiloAddress.Endpoint.ToString(),
                host.Status.ToString().ToLowerInvariant(),
                new DateTimeOffset(DateTime.SpecifyKind(host.StartTime, DateTimeKind.Utc)),
                new DateTimeOffset(DateTime.SpecifyKind(host.IAmAliveTime, DateTimeKind.Utc)),
                stats?.Activations.Values.Sum() ?? 0,
                stats));
        }

        var totals = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (type, count) in silos.SelectMany(s => s.Stats?.Activations ?? new Dictionary<string, int>()))
        {
            totals[type] = totals.GetValueOrDefault(type) + count;
        }

        return TypedResults.Ok(new ClusterInfo(cluster.Value.ClusterId, silos.OrderBy(s => s.StartedAt).ToList(), totals));
    }

    // Orleans reports the grain class's full name; shown as Orleans names the grain type (class name, "Grain" dropped, lower case).
    private static string ShortTypeName(string grainClass)
    {
        var name = grainClass.Split(',')[0];
        name = name[(name.LastIndexOf('.') + 1)..];
        return (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > 5 ? name[..^5] : name).ToLowerInvariant();
    }
}
