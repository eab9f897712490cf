using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using PgAllInOne.Hosting;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// Orleans silos in this process (TestingHost) set up as PgAllInOne silos on a real PostgreSQL database: migrations,
/// grain storage, call filters, the data grains and the test grains. Calls go through TestingHost's client and its
/// in-memory transport (and so through serialization); membership is TestingHost's own, in memory.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly InProcessTestCluster cluster;
    private bool stopped;

    private TestSilo(InProcessTestCluster cluster) => this.cluster = cluster;

    public InProcessTestCluster Cluster => cluster;

    /// <summary>The first silo's services.</summary>
    public IServiceProvider Services => cluster.Silos[0].ServiceProvider;

    public IGrainFactory Grains => cluster.Client;

    /// <param name="clock">The data features' clock (<see cref="PgAllInOne.Grains.DataClock"/>); Orleans keeps real time.</param>
    public static async Task<TestSilo> StartAsync(string connectionString, IDictionary<string, string?>? settings = null, short silos = 1, TimeProvider? clock = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            // Tests hold stored readings against SQL over the raw table: no compaction of their past days unless asked for.
            ["Metrics:CompressAfter"] = "36500.00:00:00",
        };
        foreach (var (key, value) in InProcessMembership.Settings.Concat(settings ?? new Dictionary<string, string?>()))
        {
            configuration[key] = value;
        }

        var builder = new InProcessTestClusterBuilder(silos);

        // One database, one cluster: a stable id, so that silos started one after another share what is keyed by it (Redis, grain state).
        builder.Options.ClusterId = builder.Options.ServiceId = "test";
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(configuration);
            host.Logging.ClearProviders();
        });
        builder.ConfigureSilo((_, silo) =>
        {
            if (clock is not null)
            {
                silo.Services.AddKeyedSingleton(PgAllInOne.Grains.DataClock.Key, clock);
            }

            silo.AddPgAllInOne(silo.Configuration);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new TestSilo(cluster);
    }

    public async Task StopAsync()
    {
        if (!stopped)
        {
            stopped = true;
            await cluster.StopAllSilosAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await cluster.DisposeAsync();
    }
}
