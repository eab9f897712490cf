using System.Diagnostics;
using System.Net.Http.Json;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.HighAvailability;

/// <summary>
/// Three silos on a Patroni cluster of three PostgreSQL nodes, under writes (events, metric readings with their device
/// grain's state, profile patches, record upserts) and reads (analytics, search, record queries, event listings) through
/// every silo: the primary killed, a planned switchover, a standby killed, a silo killed, etcd frozen. Each starts from
/// a healthy cluster and leaves one that heals.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(PatroniCollection.Name)]
public sealed class PatroniFailoverTests(PatroniSilos cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task KillNineOfThePrimary_LosesNoAcknowledgedWrite_AnswersNo500_WritesReturnWithinThreeSeconds_AndTheOldPrimaryRejoinsAsAStandby()
    {
        await cluster.HealthyAsync();
        using var load = await HaLoad.StartAsync(cluster.Clients(), "failover");
        using var probe = new WriteProbe(cluster, load);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var standbyReadsBefore = await cluster.StandbyReadsAsync();
        var leader = await cluster.LeaderAsync();

        var killedAt = load.Now;
        leader.KillNine();
        await Eventually.TrueAsync(() => Task.FromResult(probe.BackAfter(killedAt) is not null), "a new primary to take writes", TimeSpan.FromSeconds(60));
        var takesWritesAt = probe.BackAfter(killedAt)!.Value;
        await Task.Delay(TimeSpan.FromSeconds(4));
        await load.StopAsync();
        await probe.StopAsync();
        var standbyReads = await cluster.StandbyReadsAsync() - standbyReadsBefore;

        var firstWrites = load.FirstSuccessAfter(takesWritesAt);
        var gap = load.WriteGap(killedAt - TimeSpan.FromSeconds(1), load.Now);
        var lost = await load.LostAsync(cluster.ConnectionString + ";Target Session Attributes=primary");
        // Analytics answer through the query cache, whose entries are grain state on the primary: they wait for it like writes.
        var readsInGap = load.Answers.Where(a => !a.IsWrite && a.Kind != "analytics" && a.SentAt >= killedAt && a.AnsweredAt <= takesWritesAt).ToList();
        output.WriteLine($"kill -9 of {leader.Name}: a new primary took writes {(takesWritesAt - killedAt).TotalSeconds:F1} s later (Patroni's gap {probe.Gap(killedAt - TimeSpan.FromSeconds(1)).TotalSeconds:F1} s); " +
            $"the silos' write gap {gap.TotalSeconds:F1} s; each kind back after {string.Join(", ", firstWrites.Select(f => $"{f.Key} {((f.Value ?? TimeSpan.MaxValue) - takesWritesAt).TotalSeconds:F1} s"))}");
        output.WriteLine($"{load.AcknowledgedWrites} writes acknowledged, {lost.Count} lost; {standbyReads} reads served by standbys; reads during the gap: {readsInGap.Count(r => r.IsSuccess)} of {readsInGap.Count} 2xx; {load.Statuses()}");

        Assert.Empty(lost);
        Assert.All(load.Answers, a => Assert.True(a.IsAcceptable, $"{a.Kind} answered {a.Status} (Retry-After: {a.RetryAfter}) at {a.AnsweredAt.TotalSeconds:F1} s"));
        Assert.All(firstWrites, f => Assert.True(f.Value is { } back && back - takesWritesAt <= TimeSpan.FromSeconds(3), $"{f.Key} writes came back {((f.Value ?? TimeSpan.MaxValue) - takesWritesAt).TotalSeconds:F1} s after the new primary took writes"));
        Assert.NotEmpty(readsInGap);
        Assert.All(readsInGap, r => Assert.True(r.IsSuccess, $"{r.Kind} read answered {r.Status} during the failover"));
        Assert.True(standbyReads > 0);
        Assert.Equal(3, await cluster.ActiveSilosAsync());
        Assert.All(cluster.Silos, s => Assert.True(s.IsRunning));

        // The old primary comes back (rewound), follows the new one and serves reads again.
        await cluster.HealthyAsync();
        await ReadsReachAsync(leader);
    }

    [Fact]
    public async Task APlannedSwitchover_LosesNothing_AnswersNo500_AndStopsWritesNoLongerThanPatroniPlusOneSecond()
    {
        await cluster.HealthyAsync();
        using var load = await HaLoad.StartAsync(cluster.Clients(), "switchover");
        using var probe = new WriteProbe(cluster, load);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var leader = await cluster.LeaderAsync();
        PatroniNode? candidate = null;
        foreach (var node in cluster.Nodes.Where(n => n != leader))
        {
            candidate = await node.AnswersAsync("/sync") ? node : candidate; // with synchronous_mode Patroni switches over only to the synchronous standby
        }

        Assert.NotNull(candidate);

        var startedAt = load.Now;
        await PatroniCluster.SwitchoverAsync(leader, candidate);
        await Eventually.TrueAsync(() => candidate.AnswersAsync("/primary"), "the candidate to lead", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(4));
        await load.StopAsync();
        await probe.StopAsync();

        var patroniGap = probe.Gap(startedAt - TimeSpan.FromSeconds(1));
        var gap = load.WriteGap(startedAt - TimeSpan.FromSeconds(1), load.Now);
        var lost = await load.LostAsync(cluster.ConnectionString + ";Target Session Attributes=primary");
        output.WriteLine($"switchover {leader.Name} → {candidate.Name}: Patroni's write gap {patroniGap.TotalSeconds:F2} s, the silos' {gap.TotalSeconds:F2} s; {load.AcknowledgedWrites} writes acknowledged, {lost.Count} lost; {load.Statuses()}");

        Assert.Empty(lost);
        Assert.All(load.Answers, a => Assert.True(a.IsAcceptable, $"{a.Kind} answered {a.Status} (Retry-After: {a.RetryAfter})"));
        Assert.True(gap <= patroniGap + TimeSpan.FromSeconds(1), $"writes stopped {gap.TotalSeconds:F2} s; Patroni's own gap was {patroniGap.TotalSeconds:F2} s");

        await cluster.HealthyAsync();
        await ReadsReachAsync(leader);
    }

    [Fact]
    public async Task AStandbyKilledAndRestarted_FailsNoRequest()
    {
        await cluster.HealthyAsync();
        using var load = await HaLoad.StartAsync(cluster.Clients(), "standby");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var leader = await cluster.LeaderAsync();
        var standby = cluster.Nodes.First(n => n != leader);

        var killedAt = load.Now;
        standby.KillNine();
        await Task.Delay(TimeSpan.FromSeconds(3));
        standby.Restart();
        await cluster.HealthyAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await load.StopAsync();

        var lost = await load.LostAsync(cluster.ConnectionString + ";Target Session Attributes=primary");
        output.WriteLine($"standby {standby.Name} killed and restarted: back {(load.Now - killedAt).TotalSeconds:F1} s later; {load.AcknowledgedWrites} writes acknowledged, {lost.Count} lost; write gap {load.WriteGap(killedAt, load.Now).TotalSeconds:F2} s; {load.Statuses()}");

        Assert.Empty(lost);
        Assert.All(load.Answers, a => Assert.True(a.IsSuccess, $"{a.Kind} answered {a.Status}"));
        await ReadsReachAsync(standby);
    }

    [Fact]
    public async Task KillNineOfOneOfThreeSilos_UnderHttpWriteLoad_EveryGrainAnswersAgainWithinFiveSeconds()
    {
        await cluster.HealthyAsync();
        var clients = cluster.Clients();
        var survivors = new[] { clients[0], clients[2] };
        var devices = Enumerable.Range(0, 30).Select(i => $"silo-kill-d{i}").ToList();
        foreach (var device in devices)
        {
            (await survivors[0].PostAsJsonAsync($"/api/devices/{device}/metrics", new[] { new { metric = "v", value = 1.0 } })).EnsureSuccessStatusCode();
        }

        using var load = await HaLoad.StartAsync(survivors, "silokill");
        await Task.Delay(TimeSpan.FromSeconds(2));
        cluster.Silos[1].Kill();
        var watch = Stopwatch.StartNew();
        await Eventually.TrueAsync(
            async () => (await Task.WhenAll(devices.Select(async (d, i) =>
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    using var response = await survivors[i % 2].GetAsync($"/api/devices/{d}/latest", timeout.Token);
                    return response.IsSuccessStatusCode;
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }))).All(ok => ok),
            "every device grain to answer again",
            TimeSpan.FromSeconds(30));
        var elapsed = watch.Elapsed;
        await load.StopAsync();
        var lost = await load.LostAsync(cluster.ConnectionString + ";Target Session Attributes=primary");
        output.WriteLine($"kill -9 of a silo: every grain answered again after {elapsed.TotalSeconds:F1} s; {load.AcknowledgedWrites} writes acknowledged, {lost.Count} lost; {load.Statuses()}");

        Assert.Empty(lost);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"grains answered again only after {elapsed.TotalSeconds:F1} s");
        Assert.All(load.Answers, a => Assert.True(a.IsAcceptable, $"{a.Kind} answered {a.Status}"));
        await cluster.HealthyAsync();
    }

    [Fact]
    public async Task EtcdFrozenForTenSeconds_LosesNoAcknowledgedWrite_AndThePrimaryKeepsTakingWrites()
    {
        await cluster.HealthyAsync();
        using var load = await HaLoad.StartAsync(cluster.Clients(), "etcd");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var frozenAt = load.Now;
        cluster.FreezeEtcd();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
        }
        finally
        {
            cluster.ThawEtcd();
        }

        var thawedAt = load.Now;
        await Task.Delay(TimeSpan.FromSeconds(2));
        await load.StopAsync();
        var lost = await load.LostAsync(cluster.ConnectionString + ";Target Session Attributes=primary");
        var gap = load.WriteGap(frozenAt, thawedAt);
        output.WriteLine($"etcd frozen 10 s: {load.AcknowledgedWrites} writes acknowledged, {lost.Count} lost; write gap while frozen {gap.TotalSeconds:F2} s; {load.Statuses()}");

        Assert.Empty(lost);
        Assert.All(load.Answers, a => Assert.True(a.IsAcceptable, $"{a.Kind} answered {a.Status}"));
        Assert.True(gap < TimeSpan.FromSeconds(5), $"failsafe mode should keep the primary writable; writes stopped for {gap.TotalSeconds:F2} s");
        await cluster.HealthyAsync();
    }

    // Analytic reads through every silo until one of them is served by the node (its standby.reads counter grows).
    private async Task ReadsReachAsync(PatroniNode node)
    {
        var clients = cluster.Clients();
        var host = node.Host;
        long Served(string metrics) => metrics.Split('\n')
            .Where(l => l.StartsWith("pgaio_postgres_standby_reads_total{", StringComparison.Ordinal) && l.Contains($"host=\"{host}\"", StringComparison.Ordinal))
            .Sum(l => (long)double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var before = 0L;
        foreach (var client in clients)
        {
            before += Served(await client.GetStringAsync("/metrics"));
        }

        await Eventually.TrueAsync(
            async () =>
            {
                var served = 0L;
                for (var i = 0; i < 6; i++)
                {
                    using var response = await clients[i % 3].GetAsync("/api/search?q=rejoin");
                    response.EnsureSuccessStatusCode();
                }

                foreach (var client in clients)
                {
                    served += Served(await client.GetStringAsync("/metrics"));
                }

                return served > before;
            },
            $"{node.Name} to serve reads as a standby",
            TimeSpan.FromSeconds(20));
    }
}
