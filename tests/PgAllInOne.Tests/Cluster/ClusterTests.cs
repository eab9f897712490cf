using System.Collections.Concurrent;
using Npgsql;
using PgAllInOne.Client;
using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Cluster;

[Collection(PostgresCollection.Name)]
public sealed class ClusterTests(PostgresFixture postgres)
{
    [Fact]
    public async Task TenThousandGrainsOverThreeSilos_SpreadWithNoSiloOwningMoreThanFortyPercent()
    {
        await using var cluster = await TestCluster.StartAsync(postgres, 3);
        var entry = cluster.Silos[0].Grains;

        await Parallel.ForEachAsync(Enumerable.Range(0, 10_000), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
            await entry.GetGrain<ICounterGrain>($"spread-{i}").IncrementNonAtomically());

        var counts = cluster.Silos.Select(silo => TestCluster.ActivationCount(silo, "counter")).ToList();
        Assert.Equal(10_000, counts.Sum());
        Assert.All(counts, count => Assert.InRange(count, 1, 4_000));
    }

    [Fact]
    public async Task ACallThroughAnySilo_ReachesTheOneActivation_WithResultsAndExceptions()
    {
        await using var cluster = await TestCluster.StartAsync(postgres, 3);
        var key = Guid.NewGuid().ToString();

        var results = new List<int>();
        foreach (var silo in cluster.Silos)
        {
            results.Add(await silo.Grains.GetGrain<ICounterGrain>(key).IncrementNonAtomically());
        }

        Assert.Equal([1, 2, 3], results);
        Assert.Equal(1, cluster.Silos.Sum(silo => TestCluster.ActivationCount(silo, "counter")));
        foreach (var silo in cluster.Silos)
        {
            var error = await Assert.ThrowsAsync<GrainTestException>(() => silo.Grains.GetGrain<ICallChainGrain>(key).Fail("broken everywhere"));
            Assert.Equal("broken everywhere", error.Message);
        }
    }

    [Fact]
    public async Task KillingASiloUnderWriteLoad_LosesNoAcknowledgedWrite_AndEveryGrainAnswersAgainWithin15Seconds()
    {
        await using var cluster = await TestCluster.StartAsync(postgres, 3);
        var survivor = cluster.Silos[0];
        var victim = cluster.Silos[2];
        var options = new ClusterClientOptions { ConnectionString = cluster.Database, RefreshPeriod = TimeSpan.FromMilliseconds(200) };
        options.InterfaceAssemblies.Add(typeof(IStatefulGrain).Assembly);
        await using var client = await ClusterClient.ConnectAsync(options);
        var keys = Enumerable.Range(0, 60).Select(i => $"load-{i}-{Guid.NewGuid():N}").ToArray();
        var acknowledged = new ConcurrentDictionary<string, int>();
        var failed = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();

        var writers = keys.Select(key => Task.Run(async () =>
        {
            var grain = client.GetGrain<IStatefulGrain>(key);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await grain.Add(1);
                    acknowledged.AddOrUpdate(key, 1, (_, n) => n + 1);
                }
                catch (Exception exception) when (exception is SiloUnavailableException or GrainCallTimeoutException or GrainStateConflictException)
                {
                    failed.AddOrUpdate(key, 1, (_, n) => n + 1);
                    await Task.Delay(50);
                }
            }
        })).ToList();

        await Task.Delay(1_000);
        await cluster.KillAsync(victim);
        var killedAt = DateTime.UtcNow;
        await cluster.WaitForActiveSilosAsync(2);
        await Task.Delay(1_000);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        // Every grain answers again, the victim's ones now from the survivors.
        await Task.WhenAll(keys.Select(key => survivor.Grains.GetGrain<IStatefulGrain>(key).Get()));
        Assert.True(DateTime.UtcNow - killedAt < TimeSpan.FromSeconds(15), "the cluster should recover within 15 s of the kill");

        var stored = await StoredTotalsAsync(cluster.Database, keys);
        Assert.True(acknowledged.Values.Sum() > 100, "the load should have been running");
        Assert.True(failed.Values.Sum() > 0, "calls to the killed silo's grains should have failed until the cluster noticed");
        foreach (var key in keys)
        {
            var acked = acknowledged.GetValueOrDefault(key);
            var total = stored.GetValueOrDefault(key);
            Assert.True(total >= acked, $"{key}: {acked} writes were acknowledged but only {total} are stored");
            Assert.True(total <= acked + failed.GetValueOrDefault(key), $"{key}: more stored ({total}) than was ever attempted");
        }
    }

    [Fact]
    public async Task AGracefulStop_HandsGrainsOverWithTheirState()
    {
        await using var cluster = await TestCluster.StartAsync(postgres, 2);
        var keys = Enumerable.Range(0, 40).Select(i => $"handover-{i}-{Guid.NewGuid():N}").ToArray();
        foreach (var key in keys)
        {
            await cluster.Silos[0].Grains.GetGrain<IStatefulGrain>(key).AddWithoutWriting(5);
        }

        await cluster.StopAsync(cluster.Silos[1]);
        await cluster.WaitForActiveSilosAsync(1);

        foreach (var key in keys)
        {
            Assert.Equal(5, (await cluster.Silos[0].Grains.GetGrain<IStatefulGrain>(key).Get()).Total);
        }
    }

    [Fact]
    public async Task AJoiningSilo_TakesOverItsShareOfGrains()
    {
        await using var cluster = await TestCluster.StartAsync(postgres, 1);
        var entry = cluster.Silos[0].Grains;
        var keys = Enumerable.Range(0, 300).Select(i => $"join-{i}").ToArray();
        foreach (var key in keys)
        {
            await entry.GetGrain<IStatefulGrain>(key).Add(1);
        }

        var joined = await cluster.StartSiloAsync();
        await cluster.WaitForActiveSilosAsync(2);
        foreach (var key in keys)
        {
            await entry.GetGrain<IStatefulGrain>(key).Add(1);
        }

        Assert.InRange(TestCluster.ActivationCount(joined, "stateful"), 60, 240);
        Assert.All(await StoredTotalsAsync(cluster.Database, keys), pair => Assert.Equal(2, pair.Value));
    }

    private static async Task<Dictionary<string, int>> StoredTotalsAsync(string database, string[] keys)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var query = dataSource.CreateCommand("SELECT grain_key, (payload->>'total')::int FROM grain_state WHERE grain_type = 'stateful' AND grain_key = ANY($1)");
        query.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys });
        var totals = new Dictionary<string, int>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            totals[reader.GetString(0)] = reader.GetInt32(1);
        }

        return totals;
    }
}
