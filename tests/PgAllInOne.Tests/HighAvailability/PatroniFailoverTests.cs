using System.Globalization;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.HighAvailability;

/// <summary>
/// Three silos on a Patroni cluster of three PostgreSQL nodes, under writes (events, metric readings with their device
/// grain's state, profile patches, record upserts) and reads (analytics, search, record queries, event listings) through
/// every silo, a few seconds around each fault: the primary killed (it rejoins as a standby), a planned switchover, the
/// synchronous standby killed and restarted, etcd frozen. Every acknowledged write is looked for row by row (none lost,
/// none stored twice); every answer is a 2xx or a 503 with Retry-After within the request's timeout. The scenarios run
/// in the order written, each from the cluster the one before left, and wait only for what the next one needs.
/// (A silo killed under load: <see cref="PgAllInOne.Tests.Cluster.ClusterFaultTests"/>.)
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(PatroniCollection.Name)]
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
[TestCaseOrderer(InDeclarationOrder.Name, InDeclarationOrder.Assembly)]
public sealed class PatroniFailoverTests(PatroniSilos cluster, ITestOutputHelper output)
{
    // Load before a fault: acknowledged writes and standby reads to compare with.
    private static readonly TimeSpan Before = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task KillNineOfThePrimary_LosesNoAcknowledgedWrite_AnswersNo500_WritesReturnWithinThreeSeconds_AndTheOldPrimaryRejoinsAsAStandby()
    {
        await cluster.HealthyAsync();
        using var load = await HaLoad.StartAsync(cluster.Clients(), "failover");
        using var probe = new WriteProbe(cluster, load);
        await Task.Delay(Before);
        var standbyReadsBefore = await cluster.StandbyReadsAsync();
        var leader = await cluster.LeaderAsync();

        output.WriteLine($"the Patroni cluster started in {cluster.StartTime.TotalSeconds:F1} s");
        var killedAt = load.Now;
        leader.KillNine();
        await Eventually.TrueAsync(() => probe.BackAfter(killedAt) is not null, "a new primary to take writes", TimeSpan.FromSeconds(60));
        var takesWritesAt = probe.BackAfter(killedAt)!.Value;
        await EveryKindWrittenAfterAsync(load, takesWritesAt);
        await load.StopAsync();
        await probe.StopAsync();
        var standbyReads = await cluster.StandbyReadsAsync() - standbyReadsBefore;

        // Analytics answer through the query cache, whose entries are grain state on the primary: they wait for it like
        // writes. An event listing reads the primary until a standby is seen to hold its grain's last write
        // (read-your-writes), so one sent just as the primary died may wait for the new primary too (503 + Retry-After,
        // checked with every answer).
        var readsInGap = load.Answers.Where(a => !a.IsWrite && a.Kind is not ("analytics" or "listing") && a.SentAt >= killedAt && a.AnsweredAt <= takesWritesAt).ToList();
        var firstWrites = load.FirstSuccessAfter(takesWritesAt);
        await ReportAndCheckAsync(
            $"kill -9 of the primary {leader.Name}",
            load,
            probe,
            killedAt,
            $"a new primary took writes {(takesWritesAt - killedAt).TotalSeconds:F1} s after the kill; each kind back after it: {string.Join(", ", firstWrites.Select(f => $"{f.Key} {((f.Value ?? TimeSpan.MaxValue) - takesWritesAt).TotalSeconds:F1} s"))}; " +
            $"{standbyReads} reads served by standbys; reads during the gap: {readsInGap.Count(r => r.IsSuccess)} of {readsInGap.Count} 2xx");

        Assert.All(firstWrites, f => Assert.True(f.Value is { } back && back - takesWritesAt <= TimeSpan.FromSeconds(3), $"{f.Key} writes came back {((f.Value ?? TimeSpan.MaxValue) - takesWritesAt).TotalSeconds:F1} s after the new primary took writes"));
        Assert.NotEmpty(readsInGap);
        Assert.All(readsInGap, r => Assert.True(r.IsSuccess, $"{r.Kind} read answered {r.Status} during the failover"));
        Assert.True(standbyReads > 0);
        Assert.Equal(3, await cluster.ActiveSilosAsync());
        Assert.All(cluster.Silos, s => Assert.True(s.IsRunning));

        // The old primary comes back (crash recovery, pg_rewind), follows the new one and serves reads again.
        var restartedAt = load.Now;
        await cluster.HealthyAsync();
        await ReadsReachAsync(leader);
        output.WriteLine($"{leader.Name} restarted: a streaming standby serving reads {(load.Now - restartedAt).TotalSeconds:F1} s later");
    }

    [Fact]
    public async Task APlannedSwitchover_LosesNothing_AnswersNo500_AndStopsWritesNoLongerThanPatroniPlusOneSecond()
    {
        await cluster.HealthyAsync();
        using var load = await HaLoad.StartAsync(cluster.Clients(), "switchover");
        using var probe = new WriteProbe(cluster, load);
        await Task.Delay(Before);
        var leader = await cluster.LeaderAsync();
        var candidate = await cluster.SyncStandbyAsync(); // in synchronous_mode Patroni switches over only to the synchronous standby

        var startedAt = load.Now;
        await PatroniCluster.SwitchoverAsync(leader, candidate);
        await Eventually.TrueAsync(async () => await candidate.AnswersAsync("/primary") && await PatroniCluster.TakesWritesAsync(candidate), "the candidate to lead and take writes", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
        var takesWritesAt = probe.BackAfter(startedAt) ?? load.Now;
        await EveryKindWrittenAfterAsync(load, takesWritesAt);
        await load.StopAsync();
        await probe.StopAsync();

        var readsInGap = load.Answers.Where(a => !a.IsWrite && a.Kind is not ("analytics" or "listing") && a.SentAt >= startedAt && a.AnsweredAt <= takesWritesAt).ToList();
        var (gap, patroniGap) = await ReportAndCheckAsync(
            $"switchover {leader.Name} → {candidate.Name}",
            load,
            probe,
            startedAt,
            $"reads during the gap: {readsInGap.Count(r => r.IsSuccess)} of {readsInGap.Count} 2xx");

        Assert.True(gap <= patroniGap + TimeSpan.FromSeconds(1), $"writes stopped {gap.TotalSeconds:F2} s; Patroni's own gap was {patroniGap.TotalSeconds:F2} s");
        Assert.All(readsInGap, r => Assert.True(r.IsSuccess, $"{r.Kind} read answered {r.Status} during the switchover"));
    }

    [Fact]
    public async Task TheSynchronousStandbyKilledAndRestarted_FailsNoRequest_AndServesReadsAgain()
    {
        await cluster.HealthyAsync();
        using var load = await HaLoad.StartAsync(cluster.Clients(), "standby");
        using var probe = new WriteProbe(cluster, load);
        await Task.Delay(Before);
        var standby = await cluster.SyncStandbyAsync(); // commits wait for it until Patroni names the other standby

        var killedAt = load.Now;
        standby.KillNine();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await cluster.HealthyAsync(); // starts it again, and waits until it streams and every silo sees it a standby
        var backAt = load.Now;
        await ReadsReachAsync(standby);
        await load.StopAsync();
        await probe.StopAsync();

        await ReportAndCheckAsync($"the synchronous standby {standby.Name} killed and restarted", load, probe, killedAt, $"streaming again and seen by every silo {(backAt - killedAt).TotalSeconds:F1} s after the kill");
        Assert.All(load.Answers, a => Assert.True(a.IsSuccess, $"{a.Kind} answered {a.Status} at {a.AnsweredAt.TotalSeconds:F1} s"));
    }

    [Fact]
    public async Task EtcdFrozenForTenSeconds_LosesNoAcknowledgedWrite_AndThePrimaryKeepsTakingWrites()
    {
        await cluster.HealthyAsync();
        using var load = await HaLoad.StartAsync(cluster.Clients(), "etcd");
        using var probe = new WriteProbe(cluster, load);
        await Task.Delay(Before);
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
        await probe.StopAsync();

        var frozenGap = load.WriteGap(frozenAt, thawedAt);
        var readsWhileFrozen = load.Answers.Where(a => !a.IsWrite && a.SentAt >= frozenAt && a.AnsweredAt <= thawedAt).ToList();
        await ReportAndCheckAsync(
            "etcd frozen (SIGSTOP) 10 s",
            load,
            probe,
            frozenAt,
            $"write gap while frozen {frozenGap.TotalSeconds:F2} s; reads while frozen: {readsWhileFrozen.Count(r => r.IsSuccess)} of {readsWhileFrozen.Count} 2xx");

        // failsafe_mode: the primary reaches both standbys, so it stays primary without etcd.
        Assert.True(frozenGap < TimeSpan.FromSeconds(5), $"failsafe mode should keep the primary writable; writes stopped for {frozenGap.TotalSeconds:F2} s");
    }

    // Until each kind of write has been acknowledged again after the new primary took writes (or 10 s passed), and half a second more.
    private static async Task EveryKindWrittenAfterAsync(HaLoad load, TimeSpan takesWritesAt)
    {
        var deadline = load.Now + TimeSpan.FromSeconds(10);
        while (load.Now < deadline && load.FirstSuccessAfter(takesWritesAt).Values.Any(v => v is null))
        {
            await Task.Delay(100);
        }

        await Task.Delay(TimeSpan.FromSeconds(0.5));
    }

    // What every scenario claims: no acknowledged write lost, none stored twice, every answer 2xx or 503 + Retry-After
    // within its timeout. Prints the scenario's figures; returns the silos' write gap and Patroni's own from a second before the fault.
    private async Task<(TimeSpan Gap, TimeSpan PatroniGap)> ReportAndCheckAsync(string scenario, HaLoad load, WriteProbe probe, TimeSpan faultAt, string more)
    {
        var from = faultAt - TimeSpan.FromSeconds(1);
        var gap = load.WriteGap(from, load.Now);
        var patroniGap = probe.Gap(from);
        var (lost, duplicated) = await load.CheckAsync(cluster.ConnectionString);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenario}: the silos' write gap {gap.TotalSeconds:F2} s, Patroni's own {patroniGap.TotalSeconds:F2} s; {load.AcknowledgedWrites} writes acknowledged, {lost.Count} lost, {duplicated.Count} stored twice; {more}"));
        output.WriteLine($"  answers: {load.Statuses()}");

        Assert.Empty(lost);
        Assert.Empty(duplicated);
        Assert.All(load.Answers, a => Assert.True(a.IsAcceptable, $"{a.Kind} answered {a.Status} (Retry-After: {a.RetryAfter}) at {a.AnsweredAt.TotalSeconds:F1} s"));
        return (gap, patroniGap);
    }

    // Searches through every silo until one of them is served by the node as a standby (its standby.reads counter grows).
    private async Task ReadsReachAsync(PatroniNode node)
    {
        var clients = cluster.Clients();
        var before = await cluster.StandbyReadsAsync(node);
        await Eventually.TrueAsync(
            async () =>
            {
                for (var i = 0; i < 6; i++)
                {
                    using var response = await clients[i % 3].GetAsync("/api/search?q=rejoin");
                    response.EnsureSuccessStatusCode();
                }

                return await cluster.StandbyReadsAsync(node) > before;
            },
            $"{node.Name} to serve reads as a standby",
            TimeSpan.FromSeconds(20),
            PatroniCluster.PollInterval);
    }
}
