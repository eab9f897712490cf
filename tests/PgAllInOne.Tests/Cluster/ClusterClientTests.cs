using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PgAllInOne.Client;
using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Cluster;

[Collection(PostgresCollection.Name)]
public sealed class ClusterClientTests(PostgresFixture postgres)
{
    private static ClusterClientOptions Options(TestCluster cluster)
    {
        var options = new ClusterClientOptions
        {
            ConnectionString = cluster.Database,
            RefreshPeriod = TimeSpan.FromMilliseconds(200),
            ResponseTimeout = TimeSpan.FromSeconds(10),
        };
        options.InterfaceAssemblies.Add(typeof(ICounterGrain).Assembly);
        return options;
    }

    [Fact]
    public async Task TheClient_CallsGrainsThroughTheirInterfaces_OnTheirOwningSilos()
    {
        await using var cluster = await TestCluster.StartAsync(postgres, 3);
        await using var client = await ClusterClient.ConnectAsync(Options(cluster));

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => client.GetGrain<ICounterGrain>($"client-{i}").IncrementNonAtomically()));
        var exception = await Assert.ThrowsAsync<GrainTestException>(() => client.GetGrain<ICallChainGrain>("x").Fail("from afar"));

        Assert.All(results, value => Assert.Equal(1, value));
        Assert.Equal("from afar", exception.Message);
        Assert.Equal(3, client.View.ActiveSilos.Count);
        Assert.All(cluster.Silos, silo => Assert.InRange(TestCluster.ActivationCount(silo, "counter"), 50, 150));
    }

    [Fact]
    public async Task ArgumentsAndResults_CrossTheWireIntact()
    {
        await using var cluster = await TestCluster.StartAsync(postgres, 2);
        await using var client = await ClusterClient.ConnectAsync(Options(cluster));
        var grain = client.GetGrain<ICopyGrain>(Guid.NewGuid().ToString());

        await grain.Keep(new Basket { Items = ["apple", "梨", "🍒"] });

        Assert.Equal(["apple", "梨", "🍒"], (await grain.Kept()).Items);
        Assert.Equal(new Point(3, -4), await grain.Echo(new Point(3, -4)));
    }

    [Fact]
    public async Task TheClient_SurvivesASiloRestart()
    {
        await using var cluster = await TestCluster.StartAsync(postgres, 2);
        await using var client = await ClusterClient.ConnectAsync(Options(cluster));
        var keys = Enumerable.Range(0, 50).Select(i => $"restart-{i}").ToArray();
        foreach (var key in keys)
        {
            await client.GetGrain<IStatefulGrain>(key).Add(1);
        }

        await cluster.KillAsync(cluster.Silos[1]);
        await cluster.StartSiloAsync();
        await cluster.WaitForActiveSilosAsync(2);

        // Read-only calls ride out the change on their own; the writes then reach the new owners.
        var before = await Task.WhenAll(keys.Select(key => client.GetGrain<IStatefulGrain>(key).Get()));
        await Eventually.TrueAsync(() => client.View.ActiveSilos.Count == 2, "the client to see the restarted cluster");
        foreach (var key in keys)
        {
            await client.GetGrain<IStatefulGrain>(key).Add(1);
        }

        Assert.All(before, snapshot => Assert.Equal(1, snapshot.Total));
        Assert.All(await Task.WhenAll(keys.Select(key => client.GetGrain<IStatefulGrain>(key).Get())), snapshot => Assert.Equal(2, snapshot.Total));
    }

    [Fact]
    public async Task AWriteToADeadSilo_FailsFastWithAClearError()
    {
        await using var cluster = await TestCluster.StartAsync(postgres, 2);
        await using var client = await ClusterClient.ConnectAsync(Options(cluster));
        var victim = cluster.Silos[1];
        var key = Enumerable.Range(0, 1000).Select(i => $"victim-{i}").First(k =>
            PgAllInOne.Runtime.Placement.RendezvousPlacement.Owner(new GrainId("stateful", k), client.View.ActiveSiloIds) == victim.SiloId);
        await client.GetGrain<IStatefulGrain>(key).Add(1);
        var endpoint = victim.Services.GetRequiredService<PgAllInOne.Runtime.Hosting.SiloStatus>().Endpoint;

        await cluster.KillAsync(victim);
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => client.GetGrain<IStatefulGrain>(key).Add(1));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3), "a call to a dead silo must fail fast, not wait for its timeout");
        Assert.Contains(endpoint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPgAllInOneClient_GivesAppsAnIGrainFactory()
    {
        await using var cluster = await TestCluster.StartAsync(postgres, 1);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPgAllInOneClient(options =>
        {
            options.ConnectionString = cluster.Database;
            options.InterfaceAssemblies.Add(typeof(ICounterGrain).Assembly);
        });
        using var app = builder.Build();
        await app.StartAsync();

        var grains = app.Services.GetRequiredService<IGrainFactory>();

        Assert.Equal(1, await grains.GetGrain<ICounterGrain>(Guid.NewGuid().ToString()).IncrementNonAtomically());
        await app.StopAsync();
    }

    [Fact]
    public async Task AClientGivenSiloEndpoints_ReachesEveryGrainThroughForwarding()
    {
        await using var cluster = await TestCluster.StartAsync(postgres, 2);
        var options = new ClusterClientOptions();
        options.Endpoints.Add(cluster.Silos[0].Services.GetRequiredService<PgAllInOne.Runtime.Hosting.SiloStatus>().Endpoint);
        options.InterfaceAssemblies.Add(typeof(ICounterGrain).Assembly);
        await using var client = await ClusterClient.ConnectAsync(options);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => client.GetGrain<ICounterGrain>($"fixed-{i}").IncrementNonAtomically()));

        Assert.All(results, value => Assert.Equal(1, value));
        Assert.All(cluster.Silos, silo => Assert.InRange(TestCluster.ActivationCount(silo, "counter"), 1, 99));
    }

    [Fact]
    public void AClientWithoutAWayToFindTheCluster_IsRefusedClearly()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ClusterClient(new ClusterClientOptions()));

        Assert.Contains("ConnectionString", error.Message, StringComparison.Ordinal);
    }
}
