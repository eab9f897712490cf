using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Cluster;

/// <summary>Two silo processes whose PostgreSQL crashes (pg_ctl -m immediate) under write load and is back 10 s later.</summary>
[Collection(PostgresCollection.Name)] // runs alone: it crashes a server of its own, and timing matters
public sealed class PostgresOutageTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly List<SiloProcess> silos = [];
    private readonly TempFolder folder = new("pgaio-outage");
    private EmbeddedPostgres server = null!;

    public async Task InitializeAsync()
    {
        server = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = folder.Path, Settings = new Dictionary<string, string> { ["fsync"] = "off" } },
            NullLogger.Instance);
        silos.Add(SiloProcess.Start(server.ConnectionString));
        await silos[0].WaitUntilReadyAsync();
        silos.Add(SiloProcess.Start(server.ConnectionString));
        await silos[1].WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        silos.ForEach(s => s.Dispose());
        await server.DisposeAsync();
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task APostgresCrashOfTenSeconds_StopsNoSilo_AndWritesResumeWhenItIsBack()
    {
        var key = silos[0].AdminKey ?? throw new InvalidOperationException("The first silo wrote no admin key.");
        var clients = silos.Select(s => s.Http(key)).ToList();
        var probes = silos.Select(s => s.Http()).ToList();
        var user = (await (await clients[0].PostAsJsonAsync("/api/users", new { username = "outage", email = "outage@example.com" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var generations = await ActiveGenerationsAsync();
        Assert.Equal(2, generations.Count);

        var statuses = new ConcurrentDictionary<int, int>();
        var acknowledged = 0L;
        using var load = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var http = clients[w % 2];
            while (!load.IsCancellationRequested)
            {
                var status = await StatusAsync(() => http.PostAsJsonAsync($"/api/users/{user}/events", new { type = "tick" }));
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status == 201)
                {
                    Interlocked.Increment(ref acknowledged);
                }
                else
                {
                    await Task.Delay(50);
                }
            }
        })).ToList();

        await Task.Delay(1000);
        await server.StopAsync(immediate: true);
        var outage = Stopwatch.StartNew();
        while (outage.Elapsed < TimeSpan.FromSeconds(10))
        {
            foreach (var http in probes)
            {
                Assert.Equal(200, await StatusAsync(() => http.GetAsync("/healthz")));
            }

            await Task.Delay(500);
        }

        await server.StartAsync();
        var back = Stopwatch.StartNew();
        await Eventually.TrueAsync(
            async () => await StatusAsync(() => clients[1].PostAsJsonAsync($"/api/users/{user}/events", new { type = "after" })) == 201,
            "a write to succeed after PostgreSQL is back",
            TimeSpan.FromSeconds(30));
        var resumed = back.Elapsed;
        await load.CancelAsync();
        await Task.WhenAll(writers);
        output.WriteLine($"writes resumed {resumed.TotalSeconds:F1} s after PostgreSQL was back; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");

        Assert.All(silos, s => Assert.True(s.IsRunning));
        Assert.Equal(generations, await ActiveGenerationsAsync()); // the same two silos, neither declared dead nor rejoined
        var stored = (await clients[0].GetFromJsonAsync<JsonElement>($"/api/users/{user}")).GetProperty("eventCount").GetInt64();
        Assert.True(stored >= acknowledged + 1, $"{acknowledged + 1} writes acknowledged, {stored} stored");
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

    // A status, or 0 when the request got no answer (refused, reset or timed out).
    private static async Task<int> StatusAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send();
            return (int)response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }
}
