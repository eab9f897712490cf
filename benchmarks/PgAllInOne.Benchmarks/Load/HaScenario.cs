using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Grains.Maintenance;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>
/// PostgreSQL high availability on the tests' Patroni cluster (three PostgreSQL 15 nodes on this machine, plain
/// <c>synchronous_mode</c>, fsync off as in the tests unless asked for: then on every node, the anchor included), with
/// silos in this process given its three hosts:
/// <list type="bullet">
/// <item>Analytics on a cache miss (cache TTL 0: the OLAP workers' partial queries every time), 8 readers, through a
/// silo reading from standbys (<c>Postgres:StandbyReads=prefer</c>) beside one reading the primary only (<c>off</c>),
/// alternated round by round on the same rows.</item>
/// <item>Writes (single events through user grains and grain state writes, 32 writers each) with a synchronous standby
/// beside the same cluster with Patroni's <c>synchronous_mode</c> switched off (commits wait for no standby; the anchor),
/// alternated round by round; then once with both standbys killed: the same primary as one node.</item>
/// </list>
/// </summary>
internal static class HaScenario
{
    private const int Writers = 32;
    private const int Readers = 8;
    private const int Rounds = 2;
    private const long Events = 300_000;
    private static readonly DateTimeOffset From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(TimeSpan duration, bool fsync)
    {
        var cluster = new PatroniCluster(strict: false, fsync);
        try
        {
            await cluster.InitializeAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Patroni cluster (etcd + 3 nodes, fsync {(fsync ? "on" : "off")}) ready in {cluster.StartTime.TotalSeconds:F1} s"));
            await SeedEventsAsync(cluster);

            var common = new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = cluster.ConnectionString, ["Analytics:CacheTtl"] = "00:00:00" };
            await using var standbys = BenchmarkSilo.Start(new Dictionary<string, string?>(common) { ["Silo:ClusterId"] = "ha-prefer" });
            await using var primaryOnly = BenchmarkSilo.Start(new Dictionary<string, string?>(common) { ["Silo:ClusterId"] = "ha-off", ["Postgres:StandbyReads"] = "off" });
            await SeesTwoStandbysAsync(standbys);

            var analytics = new List<(string Reads, double PerSecond)>();
            for (var round = 0; round < Rounds; round++)
            {
                foreach (var (name, silo) in new[] { ("standbys", standbys), ("primary only", primaryOnly) })
                {
                    var perSecond = await ClosedLoop.RateAsync(Enumerable.Range(0, Readers).Select(r => Query(silo, r)).ToArray(), duration);
                    analytics.Add((name, perSecond));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analytics round {round + 1}, {name,-12}: {perSecond,7:0.0} queries/s"));
                }
            }

            // Synchronous replication beside the same cluster without it, alternated (the order turns each round).
            var writes = new List<(bool Sync, double Events, double States)>();
            for (var round = 0; round < Rounds; round++)
            {
                foreach (var sync in round % 2 == 0 ? new[] { true, false } : [false, true])
                {
                    await cluster.SetSynchronousModeAsync(sync);
                    var (events, states) = await WritesAsync(standbys, $"{(sync ? "sync" : "async")}{round}", duration);
                    writes.Add((sync, events, states));
                }
            }

            var leader = await cluster.LeaderAsync();
            foreach (var node in cluster.Nodes.Where(n => n != leader))
            {
                node.KillNine();
            }

            // Plain synchronous_mode: Patroni lets the primary commit alone once no standby is left to wait for.
            await Eventually.TrueAsync(() => PatroniCluster.TakesWritesAsync(leader), "the primary to commit without a standby", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
            var (oneEvents, oneStates) = await WritesAsync(standbys, "one", duration);

            Console.WriteLine();
            Console.WriteLine("| analytics on a cache miss, 8 readers | queries/s (rounds) | ratio to primary only |");
            Console.WriteLine("|---|---|---|");
            var primaryMean = analytics.Where(a => a.Reads == "primary only").Average(a => a.PerSecond);
            foreach (var group in analytics.GroupBy(a => a.Reads))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {group.Key} | {string.Join(", ", group.Select(g => g.PerSecond.ToString("0.0", CultureInfo.InvariantCulture)))} | {group.Average(g => g.PerSecond) / primaryMean:0.00} |"));
            }

            // Ratios per round (synchronous over asynchronous of the same round), then their median.
            var synced = writes.Where(w => w.Sync).ToList();
            var unsynced = writes.Where(w => !w.Sync).ToList();
            var eventRatio = Median(synced.Zip(unsynced, (s, u) => s.Events / u.Events));
            var stateRatio = Median(synced.Zip(unsynced, (s, u) => s.States / u.States));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| writes, 32 writers (fsync {(fsync ? "on" : "off")}) | single events/s (rounds) | ratio (median of rounds) | state writes/s (rounds) | ratio |"));
            Console.WriteLine("|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| three nodes, synchronous_mode off (the anchor) | {Rates(unsynced, w => w.Events)} | 1.00 | {Rates(unsynced, w => w.States)} | 1.00 |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| three nodes, a synchronous standby | {Rates(synced, w => w.Events)} | {eventRatio:0.00} | {Rates(synced, w => w.States)} | {stateRatio:0.00} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| one node (the primary, standbys killed; after the rounds) | {oneEvents:0} | {oneEvents / Median(unsynced.Select(u => u.Events)):0.00} | {oneStates:0} | {oneStates / Median(unsynced.Select(u => u.States)):0.00} |"));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Rates(IEnumerable<(bool Sync, double Events, double States)> writes, Func<(bool Sync, double Events, double States), double> rate) =>
        string.Join(", ", writes.Select(w => rate(w).ToString("0", CultureInfo.InvariantCulture)));

    // Events over four months for the analytic queries (partitions first, as the maintenance job makes them).
    private static async Task SeedEventsAsync(PatroniCluster cluster)
    {
        await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString + ";Target Session Attributes=primary");
        await new PartitionMaintenance(dataSource, Options.Create(new MaintenanceOptions { EventMonthsAhead = 4 })).RunOnceAsync(From);
        await using var insert = dataSource.CreateCommand($"""
            INSERT INTO events (user_id, type, occurred_at)
            SELECT 1 + i % 5000, (ARRAY['click','view','buy','login','logout','share','like','search'])[1 + (i * 31) % 8],
                   TIMESTAMPTZ '2026-01-01 00:00:00+00' + i * interval '30 seconds'
            FROM generate_series(1::bigint, {Events}) AS i;
            ANALYZE events;
            """);
        insert.CommandTimeout = 600;
        await insert.ExecuteNonQueryAsync();
    }

    // Until the silo has seen both standbys close enough to serve reads (its topology asks every host twice a second).
    private static Task SeesTwoStandbysAsync(BenchmarkSilo silo)
    {
        var topology = silo.Services.GetRequiredService<PostgresTopology>();
        return Eventually.TrueAsync(
            () => Task.FromResult(topology.Hosts.Count(h => h is { Role: HostRole.Standby, Lag: { } lag } && lag < TimeSpan.FromSeconds(2)) == 2),
            "the silo to see two standbys",
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(200));
    }

    // Each reader asks for another window, so that no two queries share a cached result.
    private static Func<Task> Query(BenchmarkSilo silo, int reader)
    {
        var i = reader * 1_000_000;
        return () => silo.Grains.QueryAnalyticsAsync(AnalyticsQuery.Events("type", From.AddSeconds(i++), From.AddMonths(4)));
    }

    private static async Task<(double Events, double States)> WritesAsync(BenchmarkSilo silo, string run, TimeSpan duration)
    {
        var users = new IUserGrain[Writers];
        for (var i = 0; i < Writers; i++)
        {
            var created = await silo.Grains.GetGrain<IUserRegistryGrain>("bench").Create(new NewUser($"ha{run}{i}", $"ha{run}{i}@example.com"));
            users[i] = silo.Grains.GetGrain<IUserGrain>(created.Id);
        }

        var tallies = Enumerable.Range(0, Writers).Select(i => silo.Grains.GetGrain<ITallyGrain>($"ha-{run}-{i}")).ToArray();
        var events = users.Select(u => (Func<Task>)(() => u.RecordEvents([new NewEvent("click")]))).ToArray();
        var states = tallies.Select(t => (Func<Task>)(() => t.Add(1))).ToArray();
        await ClosedLoop.RateAsync(events, TimeSpan.FromSeconds(1));
        var eventsPerSecond = await ClosedLoop.RateAsync(events, duration);
        await ClosedLoop.RateAsync(states, TimeSpan.FromSeconds(1));
        var statesPerSecond = await ClosedLoop.RateAsync(states, duration);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"writes, {run,-4}: events/s {eventsPerSecond,7:0} state writes/s {statesPerSecond,7:0}"));
        return (eventsPerSecond, statesPerSecond);
    }
}
