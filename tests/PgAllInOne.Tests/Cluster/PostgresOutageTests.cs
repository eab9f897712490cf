using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Cluster;

/// <summary>Three silo processes whose PostgreSQL crashes (pg_ctl -m immediate) under load and is back 10 s later.</summary>
[Trait("Category", "EndToEnd")]
[Collection(RunsAloneCollection.Name)] // runs alone: it crashes a server of its own, and timing matters
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class PostgresOutageTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    // Longer than a writer asks after a commit whose answer the crash cut (half of the silos' 30 s request timeout): such a
    // write is answered once PostgreSQL is back, as stored or not, or as of unknown outcome when it is not back in time.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);
    private readonly List<SiloProcess> silos = [];
    private readonly TempFolder folder = new("pgaio-outage");
    private EmbeddedPostgres server = null!;

    public async Task InitializeAsync()
    {
        server = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = folder.Path, Settings = new Dictionary<string, string> { ["fsync"] = "off" } },
            NullLogger.Instance);
        // Migrated here, as the run's template is, so that the three silos start together and find nothing to apply.
        await using (var dataSource = NpgsqlDataSource.Create(server.ConnectionString))
        {
            await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync();
        }

        silos.AddRange(Enumerable.Range(0, 3).Select(_ => SiloProcess.Start(server.ConnectionString)));
        await Task.WhenAll(silos.Select(s => s.WaitUntilReadyAsync()));
    }

    public async Task DisposeAsync()
    {
        silos.ForEach(s => s.Dispose());
        await server.DisposeAsync();
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task APostgresCrashOfTenSeconds_Answers503WithRetryAfter_NeverLosesAnAcknowledgedWrite_AndRecoversWithinFiveSeconds()
    {
        var key = silos.Select(s => s.AdminKey).FirstOrDefault(k => k is not null) ?? throw new InvalidOperationException("No silo wrote an admin key.");
        var clients = silos.Select(s => s.Http(key, RequestTimeout)).ToList();
        var users = new List<long>();
        foreach (var http in clients)
        {
            var created = await http.PostAsJsonAsync("/api/users", new { username = $"outage{users.Count}", email = $"outage{users.Count}@example.com" });
            users.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        }

        var generations = await ActiveGenerationsAsync();
        Assert.Equal(3, generations.Count);

        var outcomes = new Outcomes();
        var acknowledgedEvents = new long[users.Count];
        var acknowledgedReadings = 0L;
        using var load = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 9).Select(w => Task.Run(async () =>
        {
            var http = clients[w % 3];
            var user = users[w % 3];
            for (var i = 0; !load.IsCancellationRequested; i++)
            {
                var (status, retryAfter) = (w / 3) switch
                {
                    0 => await SendAsync(() => http.PostAsJsonAsync($"/api/users/{user}/events", new { type = "tick" })),
                    1 => await SendAsync(() => http.PostAsJsonAsync($"/api/devices/outage-{w}/metrics", new[] { new { metric = "t", value = i } })),
                    _ => await SendAsync(() => http.GetAsync($"/api/users/{user}")),
                };
                outcomes.Add(status, retryAfter);
                if (status == 201)
                {
                    Interlocked.Increment(ref acknowledgedEvents[w % 3]);
                }
                else if (status == 202)
                {
                    Interlocked.Increment(ref acknowledgedReadings);
                }
                else if (status != 200)
                {
                    await Task.Delay(50);
                }
            }
        })).ToList();

        await Task.Delay(1000);
        await server.StopAsync(immediate: true);
        var outage = Stopwatch.StartNew();
        var notReady = new bool[silos.Count];
        while (outage.Elapsed < TimeSpan.FromSeconds(10))
        {
            for (var s = 0; s < silos.Count; s++)
            {
                using var silo = silos[s].Http(timeout: TimeSpan.FromSeconds(5));
                Assert.Equal(200, (await SendAsync(() => silo.GetAsync("/healthz"))).Status);
                notReady[s] |= (await SendAsync(() => silo.GetAsync("/readyz"))).Status == 503;
            }

            await Task.Delay(500);
        }

        await server.StartAsync();
        var back = Stopwatch.StartNew();
        var recovered = await Task.WhenAll(clients.Select(async (http, s) =>
        {
            await Eventually.TrueAsync(
                async () => (await SendAsync(() => http.PostAsJsonAsync($"/api/users/{users[s]}/events", new { type = "after" }))).Status == 201,
                $"a write through silo {s} to succeed after PostgreSQL is back",
                TimeSpan.FromSeconds(30));
            Interlocked.Increment(ref acknowledgedEvents[s]);
            return back.Elapsed;
        }));
        await load.CancelAsync();
        await Task.WhenAll(writers);
        output.WriteLine($"writes resumed {recovered.Max().TotalSeconds:F1} s after PostgreSQL was back; {outcomes}");
        foreach (var failure in silos.SelectMany(s => Failures(s.Output)).CountBy(f => f))
        {
            output.WriteLine($"{failure.Value}× {failure.Key}");
        }

        Assert.All(silos, s => Assert.True(s.IsRunning));
        Assert.Equal(generations, await ActiveGenerationsAsync()); // the same three silos, none declared dead nor rejoined
        Assert.All(notReady, Assert.True);
        Assert.True(outcomes.Count(503) > 0, "PostgreSQL was down for 10 s, yet no request got 503");
        Assert.Equal(0, outcomes.Unexpected);
        Assert.Equal(0, outcomes.WithoutRetryAfter);
        Assert.True(recovered.Max() < TimeSpan.FromSeconds(5), $"writes resumed only {recovered.Max().TotalSeconds:F1} s after PostgreSQL was back");
        for (var u = 0; u < users.Count; u++)
        {
            var stored = (await clients[0].GetFromJsonAsync<JsonElement>($"/api/users/{users[u]}")).GetProperty("eventCount").GetInt64();
            Assert.True(stored >= acknowledgedEvents[u], $"user {u}: {acknowledgedEvents[u]} events acknowledged, {stored} stored");
        }

        Assert.True(await CountAsync("SELECT count(*) FROM metrics") >= acknowledgedReadings, "an acknowledged reading is missing");
    }

    // The first lines of each request failure the silo logged (ProblemExceptionHandler's event 2100): what a 500 was.
    private static IEnumerable<string> Failures(IReadOnlyList<string> lines)
    {
        var list = lines.ToList();
        for (var i = 0; i + 2 < list.Count; i++)
        {
            if (list[i].Contains("[2100]", StringComparison.Ordinal))
            {
                yield return $"{list[i + 1].Trim()} {list[i + 2].Trim()}";
            }
        }
    }

    private async Task<List<string>> ActiveGenerationsAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT address || ':' || port || '@' || generation FROM orleans_membership WHERE status = 3 ORDER BY 1");
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private Task<long> CountAsync(string sql) => Sql.CountAsync(server.ConnectionString, sql);

    // A status and whether a Retry-After came with it; 0 when the request got no answer in time (refused, reset, timed out).
    private static async Task<(int Status, bool RetryAfter)> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send();
            return ((int)response.StatusCode, response.Headers.RetryAfter is not null);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return (0, false);
        }
    }

    /// <summary>What the load got: counts by status; 503 must carry Retry-After; anything else than success or 503 is unexpected.</summary>
    private sealed class Outcomes
    {
        private readonly ConcurrentDictionary<int, int> statuses = new();
        private int unexpected;
        private int withoutRetryAfter;

        public int Unexpected => unexpected;

        public int WithoutRetryAfter => withoutRetryAfter;

        public int Count(int status) => statuses.GetValueOrDefault(status);

        public void Add(int status, bool retryAfter)
        {
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (status is not (200 or 201 or 202 or (int)HttpStatusCode.ServiceUnavailable))
            {
                Interlocked.Increment(ref unexpected);
            }
            else if (status == 503 && !retryAfter)
            {
                Interlocked.Increment(ref withoutRetryAfter);
            }
        }

        public override string ToString() =>
            $"statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; 503 without Retry-After: {withoutRetryAfter}";
    }
}
