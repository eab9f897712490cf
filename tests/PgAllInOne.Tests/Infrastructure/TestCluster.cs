using Microsoft.Extensions.DependencyInjection;
using PgAllInOne.Runtime.Activation;
using PgAllInOne.Runtime.Membership;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>Several real silos in this process sharing one PostgreSQL database and cluster id, with fast failure detection.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    public static readonly IReadOnlyDictionary<string, string?> FastDetection = new Dictionary<string, string?>
    {
        ["Membership:HeartbeatPeriod"] = "00:00:00.200",
        ["Membership:DeathTimeout"] = "00:00:02",
        ["Runtime:ResponseTimeout"] = "00:00:10",
    };

    private TestCluster(string database) => Database = database;

    public string Database { get; }

    public List<TestSilo> Silos { get; } = [];

    public static async Task<TestCluster> StartAsync(PostgresFixture postgres, int silos)
    {
        var cluster = new TestCluster(await postgres.CreateDatabaseAsync());
        for (var i = 0; i < silos; i++)
        {
            await cluster.StartSiloAsync();
        }

        await cluster.WaitForActiveSilosAsync(silos);
        return cluster;
    }

    public async Task<TestSilo> StartSiloAsync()
    {
        var silo = await TestSilo.StartAsync(Database, new Dictionary<string, string?>(FastDetection));
        Silos.Add(silo);
        return silo;
    }

    /// <summary>Waits until every running silo sees exactly this many active silos.</summary>
    public Task WaitForActiveSilosAsync(int count, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(
            () => Silos.All(s => s.Services.GetRequiredService<MembershipService>().View.ActiveSilos.Count == count),
            $"every silo to see {count} active silos",
            timeout ?? TimeSpan.FromSeconds(15));

    public static int ActivationCount(TestSilo silo, string grainType) =>
        silo.Services.GetRequiredService<Catalog>().CountByType().GetValueOrDefault(grainType);

    public async Task KillAsync(TestSilo silo)
    {
        Silos.Remove(silo);
        await silo.KillAsync();
    }

    public async Task StopAsync(TestSilo silo)
    {
        Silos.Remove(silo);
        await silo.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }
    }
}
