using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PgAllInOne.Client;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Cluster;

/// <summary>
/// Three silo processes on one PostgreSQL, found by Orleans' ADO.NET clustering through our queries, and a .NET app's
/// cluster client (AddPgAllInOneClient) in this process: kill -9, SIGTERM and restarts under load.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(RunsAloneCollection.Name)] // runs alone: it kills silos and bounds how soon every grain answers again
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class ClusterFaultTests(ClusterFaultTests.ThreeSilos cluster, ITestOutputHelper output) : IClassFixture<ClusterFaultTests.ThreeSilos>, IAsyncLifetime
{
    private const int Devices = 60;

    // An HTTP write waits no longer: one that waited for the killed silo shows in its key's time to answer again.
    private static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(15);

    private List<SiloProcess> Silos => cluster.Silos;

    private IGrainFactory Grains => cluster.Grains;

    // The three silos are the class's: a test starts with the three running and active (the one a test before it
    // killed or stopped is started again), and counts the dead in membership from there.
    public Task InitializeAsync() => cluster.AllThreeActiveAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Under the client's calls and sixteen HTTP writers on the two other silos (events, profile patches, record upserts,
    /// readings with their device grain's state, four grain keys each, the silo killed being the one holding most of them), kill -9
    /// of one silo: every grain answers again within 5 s of the kill, through the client and through HTTP; no write
    /// acknowledged is lost or stored twice, and no answer is a 500.
    /// </summary>
    [Fact]
    public async Task AfterKillNine_OfOneOfThreeSilos_UnderLoad_EveryGrainAnswersAgainWithinFiveSeconds()
    {
        await EveryDeviceAnswersAsync("d");
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM orleans_membership WHERE status = 3"));
        var deadBefore = await CountAsync("SELECT count(*) FROM orleans_membership WHERE status = 6");

        var adminKey = Silos.Select(s => s.AdminKey).First(k => k is not null);
        var http = Silos.Select(s => s.Http(adminKey, HttpTimeout)).ToArray();

        // Each key first written through one of the three silos in turn. Orleans' default placement (resource-optimized)
        // prefers the silo asked unless it is the busier one, so where the grains went is read, not assumed: the silo
        // holding most of them is the one killed, and the writers go on through the two others only.
        using var writers = await KeyedHttpWriters.ActivateAsync(http, $"kill{Environment.TickCount64 % 100000}", writers: 16, keysPerWriter: 4);
        var keysOn = await Task.WhenAll(Silos.Select(s => KeysOnAsync(s, writers)));
        var killed = Array.IndexOf(keysOn, keysOn.MaxBy(k => k.Count));
        var onKilled = keysOn[killed];
        writers.Start([.. http.Where((_, i) => i != killed)]);

        using var load = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            while (!load.IsCancellationRequested)
            {
                await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Swallow(Grains.GetGrain<IDeviceGrain>($"d{i}").Latest())));
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(1));
        var killedAt = writers.Now;
        Silos[killed].Kill();
        var watch = Stopwatch.StartNew();

        // A round asks every grain once; a new round starts every 100 ms without waiting for the last, whose calls to
        // the dead silo each wait out the 2 s response timeout. The first round in which every grain answered ends when
        // they all answer again, to within 100 ms.
        async Task<TimeSpan?> RoundAsync()
        {
            var answered = await Task.WhenAll(Enumerable.Range(0, Devices).Select(i => Answers(Grains.GetGrain<IDeviceGrain>($"d{i}").Latest())));
            return answered.All(ok => ok) ? watch.Elapsed : null;
        }

        var rounds = new List<Task<TimeSpan?>>();
        TimeSpan? everyGrainAnswered = null;
        while (everyGrainAnswered is null)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "Timed out waiting for every device grain to answer again");
            rounds.Add(RoundAsync());
            await Task.Delay(100);
            everyGrainAnswered = rounds.Where(r => r.IsCompletedSuccessfully).Select(r => r.Result).Where(t => t is not null).Min();
        }

        var elapsed = everyGrainAnswered.Value;
        await Task.WhenAll(rounds);
        await load.CancelAsync();
        await traffic;

        // The HTTP writers: until every key has answered again (or 20 s have passed), and a second more.
        await Eventually.TrueAsync(() => writers.AnsweringAgain(killedAt).Values.All(t => t is not null) || writers.Now - killedAt > TimeSpan.FromSeconds(20), "every key written to answer again", TimeSpan.FromSeconds(40));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await writers.StopAsync();
        var again = writers.AnsweringAgain(killedAt);
        var slowest = again.Values.Max(t => t ?? TimeSpan.MaxValue);
        var slowestOnKilled = onKilled.Count == 0 ? TimeSpan.Zero : onKilled.Max(k => again[k] ?? TimeSpan.MaxValue);
        var (lost, duplicated) = await writers.CheckAsync(cluster.Database);
        output.WriteLine($"kill -9 to every grain answering the client: {elapsed.TotalSeconds:F1} s");
        output.WriteLine($"HTTP writers (16 on the two other silos, {again.Count} keys, {onKilled.Count} on the killed silo): every key answered 2xx again {slowest.TotalSeconds:F2} s after the kill (those of the killed silo {slowestOnKilled.TotalSeconds:F2} s); {writers.AcknowledgedWrites} writes acknowledged, {lost.Count} lost, {duplicated.Count} stored twice");
        output.WriteLine($"  answers: {writers.Statuses()}");
        output.WriteLine($"  slowest keys: {string.Join(", ", again.OrderByDescending(a => a.Value ?? TimeSpan.MaxValue).Take(5).Select(a => $"{a.Key.Kind} {a.Key.Key} {(a.Value ?? TimeSpan.MaxValue).TotalSeconds:F2} s"))}");

        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"grains answered again only after {elapsed.TotalSeconds:F1} s");
        Assert.NotEmpty(onKilled);
        Assert.Empty(lost);
        Assert.Empty(duplicated);
        Assert.DoesNotContain(writers.Answers, a => a.Is500);
        Assert.All(again, a => Assert.True(a.Value is { } t && t <= TimeSpan.FromSeconds(5), $"{a.Key.Kind} {a.Key.Key} answered 2xx again only {(a.Value ?? TimeSpan.MaxValue).TotalSeconds:F2} s after the kill"));
        await Eventually.TrueAsync(async () => await CountAsync("SELECT count(*) FROM orleans_membership WHERE status = 6") == deadBefore + 1, "the killed silo to be declared dead");
    }

    [Fact]
    public async Task AfterSigterm_TheSiloLeavesAsDead_AndTheClientCarriesOn_ThenItComesBack()
    {
        var deadBefore = await CountAsync("SELECT count(*) FROM orleans_membership WHERE status = 6");
        Assert.Equal(0, await Silos[2].TerminateAsync());
        Assert.Equal(deadBefore + 1, await CountAsync("SELECT count(*) FROM orleans_membership WHERE status = 6"));
        await EveryDeviceAnswersAsync("d");

        Silos[2].Restart();
        await Silos[2].WaitUntilReadyAsync();
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM orleans_membership WHERE status = 3"));

        // The restarted silo is a gateway again and takes grains: the client's calls reach every silo.
        await EveryDeviceAnswersAsync("after-");
        await ThreeActiveSilosAsync();
    }

    [Fact]
    public async Task ARollingRestart_UnderHttpAndClientLoad_StoresEveryKeyedWriteExactlyOnce_AndAnswersNo500()
    {
        var key = Silos.Select(s => s.AdminKey).FirstOrDefault(k => k is not null) ?? throw new InvalidOperationException("No silo wrote an admin key.");
        var clients = Silos.Select(s => s.Http(key, TimeSpan.FromSeconds(15))).ToList();
        var users = new List<long>();
        for (var u = 0; u < 3; u++)
        {
            var created = await clients[u].PostAsJsonAsync("/api/users", new { username = $"rolling{u}", email = $"rolling{u}@example.com" });
            users.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        }

        var restarting = -1; // the silo a load balancer no longer sends to
        var statuses = new ConcurrentDictionary<string, int>();
        var answersLost = new ConcurrentQueue<(string Answer, bool Stored)>();
        var acknowledgedEvents = new long[users.Count];
        var acknowledgedReadings = new long[4];
        var clientFailures = new ConcurrentDictionary<string, int>();
        using var load = new CancellationTokenSource();
        var http = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = w; !load.IsCancellationRequested; i++)
            {
                var user = w % users.Count;
                if (w >= 3)
                {
                    var read = await AnswerAsync(() => clients[Pick(i)].GetAsync($"/api/users/{users[user]}"));
                    statuses.AddOrUpdate(read, 1, (_, n) => n + 1);
                    continue;
                }

                // Each event goes with a key of its own and is sent again, with it, until it is answered 201 (a client
                // that retries as told): a write whose answer was lost is stored once all the same.
                var idempotencyKey = $"rolling-{w}-{i}";
                for (var attempt = 0; ; attempt++)
                {
                    var answer = await AnswerAsync(() => PostEventAsync(clients[Pick(i + attempt)], users[user], idempotencyKey));
                    statuses.AddOrUpdate(attempt == 0 ? answer : "retry " + answer, 1, (_, n) => n + 1);
                    if (answer == "201")
                    {
                        Interlocked.Increment(ref acknowledgedEvents[user]);
                        break;
                    }

                    if (attempt == 0 && answer is "0" or "503 Outcome unknown")
                    {
                        // Asked of the database directly: did the write whose answer was lost store its key?
                        answersLost.Enqueue((answer, await CountAsync($"SELECT count(*) FROM idempotency_keys WHERE key = '{idempotencyKey}'") == 1));
                    }

                    Assert.True(attempt < 300, $"{idempotencyKey} was never answered 201; last: {answer}");
                    await Task.Delay(100);
                }
            }
        })).ToList();

        // The next silo but the one restarting, as a load balancer sends.
        int Pick(int i) => i % 3 == Volatile.Read(ref restarting) ? (i + 1) % 3 : i % 3;

        var grains = Enumerable.Range(0, acknowledgedReadings.Length).Select(d => Task.Run(async () =>
        {
            for (var i = 0; !load.IsCancellationRequested; i++)
            {
                try
                {
                    await Grains.GetGrain<IDeviceGrain>($"rolling{d}").Ingest([new MetricReading("v", i)]);
                    Interlocked.Increment(ref acknowledgedReadings[d]);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    clientFailures.AddOrUpdate(exception.GetType().Name, 1, (_, n) => n + 1);
                    await Task.Delay(50);
                }
            }
        })).ToList();

        var restartTimes = new List<TimeSpan>();
        for (var s = 0; s < Silos.Count; s++)
        {
            await Task.Delay(1000);
            Volatile.Write(ref restarting, s);
            Assert.Equal(0, await Silos[s].TerminateAsync());
            var watch = Stopwatch.StartNew();
            Silos[s].Restart();
            await Silos[s].WaitUntilReadyAsync();
            restartTimes.Add(watch.Elapsed);
            Volatile.Write(ref restarting, -1);
        }

        await Task.Delay(1000);
        var readingsBefore = acknowledgedReadings.Sum();
        await Eventually.TrueAsync(() => Task.FromResult(acknowledgedReadings.Sum() > readingsBefore + 10), "the cluster client's writes to go on after the restarts");
        await load.CancelAsync();
        await Task.WhenAll(http.Concat(grains));
        output.WriteLine($"restarts took {string.Join(", ", restartTimes.Select(t => $"{t.TotalSeconds:F1} s"))}; HTTP (0: no answer): {string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}"))}; " +
            $"answers lost: {answersLost.Count} ({answersLost.Count(a => a.Stored)} of those writes stored, settled by their retries: {string.Join(", ", answersLost.GroupBy(a => a.Answer).Select(g => $"{g.Key}×{g.Count()}"))}); " +
            $"client: {acknowledgedReadings.Sum()} acknowledged, failures {string.Join(", ", clientFailures.Select(p => $"{p.Key}×{p.Value}"))}");

        // Where the answers were lost: each silo logs why it answered 503.
        output.WriteLine(string.Join("\n", Silos.SelectMany(s => s.Output).Where(line => line.Contains("answered 503", StringComparison.Ordinal)).Take(20)));

        // A 503 says whether the write may be stored ("Outcome unknown") or is not ("Unavailable", "Overloaded"); never a 500.
        Assert.All(statuses.Keys, answer => Assert.True(
            answer.Replace("retry ", "", StringComparison.Ordinal) is "200" or "201" or "0" or "503 Outcome unknown" or "503 Unavailable" or "503 Overloaded",
            $"{statuses[answer]} requests answered {answer}"));
        for (var u = 0; u < users.Count; u++)
        {
            // Exactly once: the user's count is its rows, and every event was acknowledged once.
            var stored = (await clients[0].GetFromJsonAsync<JsonElement>($"/api/users/{users[u]}")).GetProperty("eventCount").GetInt64();
            Assert.Equal(await CountAsync($"SELECT count(*) FROM events WHERE user_id = {users[u]}"), stored);
            Assert.True(stored == acknowledgedEvents[u], $"user {u}: {acknowledgedEvents[u]} events acknowledged, {stored} stored");
        }

        for (var d = 0; d < acknowledgedReadings.Length; d++)
        {
            var stored = await CountAsync($"SELECT count(*) FROM metrics WHERE device_id = 'rolling{d}'");
            Assert.True(stored >= acknowledgedReadings[d], $"device {d}: {acknowledgedReadings[d]} readings acknowledged, {stored} stored");
        }

        await ThreeActiveSilosAsync();
    }

    // The status, with the problem's title when it failed, or 0 when the request got no answer in time (refused, reset or timed out).
    private static async Task<string> AnswerAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send();
            if (response.IsSuccessStatusCode)
            {
                return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            return $"{(int)response.StatusCode} {(problem.TryGetProperty("title", out var title) ? title.GetString() : "")}";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
        {
            return "0";
        }
    }

    private static Task<HttpResponseMessage> PostEventAsync(HttpClient http, long user, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/users/{user}/events") { Content = JsonContent.Create(new { type = "rolling" }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return http.SendAsync(request);
    }

    // The keys written to whose grain is active on the silo (user grains have integer keys, shown in hexadecimal).
    private async Task<List<(string Kind, string Key)>> KeysOnAsync(SiloProcess silo, KeyedHttpWriters writers)
    {
        var management = Grains.GetGrain<IManagementGrain>(0);
        var address = (await management.GetHosts(onlyActive: true)).Keys.Single(a => a.Endpoint.Port == silo.SiloPort);
        var there = (await management.GetDetailedGrainStatistics(hostsIds: [address])).Select(g => g.GrainId.Key.ToString()!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. writers.Keys.Where(k => there.Contains(k.Key) || (long.TryParse(k.Key, out var id) && there.Contains(id.ToString("x", System.Globalization.CultureInfo.InvariantCulture))))];
    }

    private Task ThreeActiveSilosAsync() => cluster.ThreeActiveSilosAsync();

    private Task EveryDeviceAnswersAsync(string prefix) => Eventually.TrueAsync(
        async () => (await Task.WhenAll(Enumerable.Range(0, Devices).Select(i => Answers(Grains.GetGrain<IDeviceGrain>($"{prefix}{i}").Latest())))).All(ok => ok),
        $"every {prefix}* device grain to answer",
        TimeSpan.FromSeconds(30));

    private Task<long> CountAsync(string sql) => Sql.CountAsync(cluster.Database, sql);

    private static async Task<bool> Answers(Task call)
    {
        try
        {
            await call;
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static Task Swallow(Task call) => Answers(call);

    /// <summary>
    /// Three silo processes on one database, found by Orleans' ADO.NET clustering, and a .NET app's cluster client
    /// (AddPgAllInOneClient) in this process, for the class's tests.
    /// </summary>
    public sealed class ThreeSilos : IAsyncLifetime
    {
        private IHost client = null!;

        public List<SiloProcess> Silos { get; } = [];

        public string Database { get; private set; } = "";

        public IGrainFactory Grains => client.Services.GetRequiredService<IGrainFactory>();

        public async Task InitializeAsync()
        {
            Database = await (await PostgresServer.InstanceAsync()).CreateDatabaseAsync();
            // The database holds every migration already: the three start together, and the first to start writes the admin key.
            Silos.AddRange(Enumerable.Range(0, 3).Select(_ => SiloProcess.Start(Database)));
            await Task.WhenAll(Silos.Select(s => s.WaitUntilReadyAsync()));

            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddPgAllInOneClient(options =>
            {
                options.ConnectionString = Database;
                options.ResponseTimeout = TimeSpan.FromSeconds(2);
            });
            client = builder.Build();
            await client.StartAsync();
        }

        public async Task DisposeAsync()
        {
            await client.StopAsync();
            client.Dispose();
            Silos.ForEach(s => s.Dispose());
        }

        /// <summary>Starts again the silos a test before killed or stopped, and waits until the three are active.</summary>
        public async Task AllThreeActiveAsync()
        {
            var stopped = Silos.Where(s => !s.IsRunning).ToList();
            stopped.ForEach(s => s.Restart());
            await Task.WhenAll(stopped.Select(s => s.WaitUntilReadyAsync()));
            await ThreeActiveSilosAsync();
        }

        // The client's response timeout is short (2 s), to measure recovery; on a loaded machine a first call may exceed it.
        // The management grain answers from whichever silo holds it; under the 2 s response timeout a busy machine may time
        // a call out, which says nothing about membership: it is asked again.
        public Task ThreeActiveSilosAsync() => Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    return (await Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count == 3;
                }
                catch (TimeoutException)
                {
                    return false;
                }
            },
            "three active silos",
            TimeSpan.FromSeconds(30));
    }
}
