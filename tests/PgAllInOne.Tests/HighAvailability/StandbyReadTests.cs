using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using PgAllInOne.Tests.Cluster;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.HighAvailability;

/// <summary>
/// Reads on standbys of the Patroni cluster: served by them while they keep up, never by one further behind than
/// <c>Postgres:MaxStandbyLag</c>, and read-your-writes through a user grain even when every standby has stopped replaying
/// (replay paused, with Patroni in maintenance mode so that it does not resume it).
/// The metrics operators see are checked by their Prometheus names.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(PatroniCollection.Name)]
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class StandbyReadTests(PatroniSilos cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task AStandbyFurtherBehindThanMaxStandbyLag_ServesNoReads_AndAUsersOwnEventsAreListedAtOnce()
    {
        await cluster.HealthyAsync();
        var http = cluster.Clients()[0];
        var leader = await cluster.LeaderAsync();
        var standbys = cluster.Nodes.Where(n => n != leader).ToList();
        using var created = await http.PostAsJsonAsync("/api/users", new { username = "ryw", email = "ryw@example.com" });
        var user = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        // Both standbys served reads while they keep up.
        await Eventually.TrueAsync(
            async () =>
            {
                await SearchAsync(http, 10);
                return await ServedAsync(http, standbys[0]) > 0 && await ServedAsync(http, standbys[1]) > 0;
            },
            "both standbys to serve reads",
            TimeSpan.FromSeconds(20));

        await cluster.SetMaintenanceAsync(on: true);
        await SetReplayAsync(standbys, paused: true);
        try
        {
            // Read-your-writes: each event is listed at once, although no standby has replayed it.
            for (var i = 0; i < 20; i++)
            {
                (await http.PostAsJsonAsync($"/api/users/{user}/events", new { type = "ryw", data = new { i } })).EnsureSuccessStatusCode();
                var listed = await http.GetFromJsonAsync<JsonElement>($"/api/users/{user}/events?limit=1");
                Assert.Equal(i, listed[0].GetProperty("data").GetProperty("i").GetInt32());
            }

            // Once they are further behind than the bound, the standbys serve nothing: every read runs on the primary.
            await Task.Delay(PatroniSilos.MaxStandbyLag + TimeSpan.FromSeconds(1));
            var before = await ServedAsync(http, standbys[0]) + await ServedAsync(http, standbys[1]);
            await SearchAsync(http, 30);
            var after = await ServedAsync(http, standbys[0]) + await ServedAsync(http, standbys[1]);
            var ready = await PatroniSilos.ReadyAsync(cluster.Silos[0]);
            output.WriteLine($"replay paused on both standbys: reads served by them {after - before} of 30; /readyz: {ready}");
            Assert.Equal(before, after);
            Assert.All(ready.GetProperty("postgres").EnumerateArray().Where(h => h.GetProperty("role").GetString() == "standby"), h => Assert.True(h.GetProperty("lagSeconds").GetDouble() > PatroniSilos.MaxStandbyLag.TotalSeconds, h.ToString()));
        }
        finally
        {
            await SetReplayAsync(standbys, paused: false);
            await cluster.SetMaintenanceAsync(on: false);
        }

        // Caught up again, they serve reads again.
        await StandbysServeMoreAsync(http, standbys, "the standbys to serve reads again");
    }

    [Fact]
    public async Task TheMetrics_NameEachHostsRole_TheStandbysLag_AndTheReadsTheyServed()
    {
        await cluster.HealthyAsync();
        var http = cluster.Clients()[1];
        await SearchAsync(http, 10);
        var leader = await cluster.LeaderAsync();
        var metrics = await http.GetStringAsync("/metrics");
        var lines = metrics.Split('\n').Where(l => l.StartsWith("pgaio_postgres_", StringComparison.Ordinal)).ToList();
        output.WriteLine(string.Join('\n', lines));

        Assert.Contains(lines, l => l.StartsWith("pgaio_postgres_host_role{", StringComparison.Ordinal) && l.Contains($"host=\"{leader.Host}\"", StringComparison.Ordinal) && l.Contains("role=\"primary\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
        foreach (var standby in cluster.Nodes.Where(n => n != leader))
        {
            Assert.Contains(lines, l => l.StartsWith("pgaio_postgres_host_role{", StringComparison.Ordinal) && l.Contains($"host=\"{standby.Host}\"", StringComparison.Ordinal) && l.Contains("role=\"standby\"", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("pgaio_postgres_standby_lag_seconds{", StringComparison.Ordinal) && l.Contains($"host=\"{standby.Host}\"", StringComparison.Ordinal));
        }

        Assert.Contains(lines, l => l.StartsWith("pgaio_postgres_standby_reads_total{", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithStandbyReadsOff_EveryReadRunsOnThePrimary_WhileTheOtherSilosReadFromStandbys()
    {
        await cluster.HealthyAsync();
        using var silo = SiloProcess.Start(cluster.ConnectionString, "Warning", "--Postgres:StandbyReads=off");
        await silo.WaitUntilReadyAsync();
        using var http = silo.Http(cluster.AdminKey, HaLoad.RequestTimeout);
        var leader = await cluster.LeaderAsync();
        var standbys = cluster.Nodes.Where(n => n != leader).ToList();

        // The same reads through a silo that prefers standbys are served by them, so they are there to serve.
        var preferring = cluster.Clients()[2];
        await StandbysServeMoreAsync(preferring, standbys, "the standbys to serve the silos that prefer them");

        await SearchAsync(http, 20);
        (await http.GetAsync("/api/analytics/events?groupBy=type&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z")).EnsureSuccessStatusCode();
        (await http.GetAsync("/api/dashboard/database")).EnsureSuccessStatusCode();
        Assert.Equal(0, await ServedAsync(http, standbys[0]) + await ServedAsync(http, standbys[1]));

        // It leaves the cluster as a silo does on SIGTERM, so that no grain of the tests after it waits for it to be declared dead.
        Assert.Equal(0, await silo.TerminateAsync());
    }

    // Searches until the standbys have served more of this silo's reads than before.
    private static async Task StandbysServeMoreAsync(HttpClient http, IReadOnlyList<PatroniNode> standbys, string description)
    {
        var before = await ServedAsync(http, standbys[0]) + await ServedAsync(http, standbys[1]);
        await Eventually.TrueAsync(
            async () =>
            {
                await SearchAsync(http, 10);
                return await ServedAsync(http, standbys[0]) + await ServedAsync(http, standbys[1]) > before;
            },
            description,
            TimeSpan.FromSeconds(20));
    }

    private static async Task SearchAsync(HttpClient http, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var response = await http.GetAsync($"/api/search?q=standby{i}");
            response.EnsureSuccessStatusCode();
        }
    }

    private static async Task<long> ServedAsync(HttpClient http, PatroniNode node) =>
        (await http.GetStringAsync("/metrics")).Split('\n')
            .Where(l => l.StartsWith("pgaio_postgres_standby_reads_total{", StringComparison.Ordinal) && l.Contains($"host=\"{node.Host}\"", StringComparison.Ordinal))
            .Sum(l => (long)double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static async Task SetReplayAsync(IEnumerable<PatroniNode> standbys, bool paused)
    {
        foreach (var standby in standbys)
        {
            await using var connection = new NpgsqlConnection(PatroniCluster.To(standby));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
