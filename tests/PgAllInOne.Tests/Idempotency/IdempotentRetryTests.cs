using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Idempotency;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.OrleansExtensions.DatabaseFailures;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Idempotency;

/// <summary>
/// A lost commit, then a repeat of its key: the key is stored in the same commit as the write, so the repeat settles
/// what the lost answer left open. Twelve callers write events (or readings) with a key each while commits lose their
/// answers (the last followed by the database gone for longer than the writers ask, so that some callers hear "outcome
/// unknown"); each caller sends a failed write again with its key until it is answered stored. In the end every write is
/// stored exactly once and each user's event count is its rows. Through HTTP, a user created in a transaction of its own
/// whose commit answer is cut is answered 503 "Outcome unknown" saying to retry with the key, and the retry returns the
/// user the lost commit stored.
/// </summary>
[Trait("Category", "EndToEnd")] // a silo behind a faulty network, for seconds at a time
[Collection(RunsAloneCollection.Name)] // runs alone: it cuts and darkens a proxy on a schedule
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class IdempotentRetryTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Callers = 12;
    private const int CutsToForce = 4;
    private static readonly TimeSpan DarkSpell = TimeSpan.FromSeconds(4);

    // The writers ask for half of it (2.5 s), shorter than the dark spell of the last cut.
    private static readonly Dictionary<string, string?> Settings = new() { ["Runtime:ResponseTimeout"] = "00:00:05" };

    private string database = "";
    private CommitCuttingProxy proxy = null!;

    public async Task InitializeAsync()
    {
        database = await postgres.CreateDatabaseAsync();
        proxy = CommitCuttingProxy.Start(database, CommitLog.EntrySql);
    }

    public async Task DisposeAsync() => await proxy.DisposeAsync();

    [Fact]
    public async Task Events_LostCommitsThenRepeatsOfTheirKeys_AreStoredExactlyOnce()
    {
        await using var silo = await TestSilo.StartAsync(proxy.ConnectionString, Settings);
        var registry = silo.Grains.GetGrain<IUserRegistryGrain>("any");
        var users = new long[Callers];
        for (var i = 0; i < Callers; i++)
        {
            users[i] = (await registry.Create(new NewUser($"retry{i}", $"retry{i}@example.org"))).Id;
        }

        using var lost = new LostCommitCounter("events");
        var ledger = await RunAsync((caller, write) =>
            silo.Grains.GetGrain<IUserGrain>(users[caller]).RecordEvents(
                Enumerable.Repeat(new NewEvent(write.Key), write.Size).ToList(), new IdempotencyKey("client:retry", write.Key)));

        var stored = await CountByAsync("SELECT type, count(*) FROM events GROUP BY type");
        output.WriteLine($"events: {proxy.Cuts} commit answers cut; {lost}; {ledger.Describe()}");
        ledger.VerifyExactlyOnce(stored);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM users WHERE event_count <> (SELECT count(*) FROM events WHERE events.user_id = users.id)"));
        foreach (var id in users)
        {
            Assert.Equal(await ScalarAsync($"SELECT count(*) FROM events WHERE user_id = {id}"), (await silo.Grains.GetGrain<IUserGrain>(id).Get())!.EventCount);
        }
    }

    [Fact]
    public async Task Readings_LostCommitsThenRepeatsOfTheirKeys_AreStoredExactlyOnce()
    {
        await using var silo = await TestSilo.StartAsync(proxy.ConnectionString, Settings);
        using var lost = new LostCommitCounter("metrics");
        var ledger = await RunAsync((caller, write) =>
            silo.Grains.GetGrain<IDeviceGrain>($"retry{caller}").Ingest(
                Enumerable.Range(0, write.Size).Select(i => new MetricReading(write.Key, i)).ToList(), new IdempotencyKey("client:retry", write.Key)));

        var stored = await CountByAsync("SELECT metric, count(*) FROM metrics GROUP BY metric");
        output.WriteLine($"metrics: {proxy.Cuts} commit answers cut; {lost}; {ledger.Describe()}");
        ledger.VerifyExactlyOnce(stored);
    }

    [Fact]
    public async Task AUserWhoseCommitAnswerIsCut_IsAnsweredOutcomeUnknown_AndTheRetryWithItsKeyReturnsIt()
    {
        await using var keyed = CommitCuttingProxy.Start(database, IdempotencyKeys.InsertSql);
        await using var app = await SiloApp.StartAsync(keyed.ConnectionString, Settings);
        using var http = app.Admin();

        // Committed, its answer lost: 503 "Outcome unknown"; the retry finds the key and answers with the user stored.
        keyed.CutNextCommits(1);
        var first = await PostUserAsync(http, "cut", "cut-1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Status);
        Assert.Equal("Outcome unknown", first.Body.GetProperty("title").GetString());
        Assert.Contains("Retry with the same Idempotency-Key", first.Body.GetProperty("detail").GetString());
        Assert.True(first.RetryAfter);
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM users WHERE username = 'cut'"));
        var retried = await PostUserAsync(http, "cut", "cut-1");
        Assert.Equal(HttpStatusCode.Created, retried.Status);
        Assert.Equal(await ScalarAsync("SELECT id FROM users WHERE username = 'cut'"), retried.Body.GetProperty("id").GetInt64());

        // Dropped before PostgreSQL had it: 503 "Unavailable", nothing stored; the retry stores it.
        keyed.DropNextCommits(1);
        var dropped = await PostUserAsync(http, "dropped", "drop-1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, dropped.Status);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM users WHERE username = 'dropped'"));
        Assert.Equal(HttpStatusCode.Created, (await PostUserAsync(http, "dropped", "drop-1")).Status);
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM users WHERE username = 'dropped'"));
        output.WriteLine($"users: {keyed.Cuts} commit answer cut (answered 503 outcome unknown, settled by the retry as stored), {keyed.Drops} commit dropped (answered 503 unavailable, stored by the retry)");
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, bool RetryAfter)> PostUserAsync(HttpClient http, string name, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users")
        {
            Content = new StringContent($$"""{"username":"{{name}}","email":"{{name}}@example.com"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.RetryAfter is not null);
    }

    /// <summary>
    /// The callers write until <see cref="CutsToForce"/> commits, and one more followed by <see cref="DarkSpell"/>, have
    /// lost their answer; a write that fails is sent again with its key until it is answered stored.
    /// </summary>
    private async Task<Ledger> RunAsync(Func<int, Write, Task> write)
    {
        var ledger = new Ledger();
        var cutting = proxy.CutThenGoDarkAsync(CutsToForce, DarkSpell);
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (var n = 0; !cutting.IsCompleted; n++)
            {
                var next = ledger.Start($"k{caller}-{n}", 1 + (n % 3));
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await write(caller, next);
                        break;
                    }
                    catch (Exception exception) when (attempt < 200 && (DatabaseFailure.IsTransientWithin(exception) || DatabaseFailure.IsOutcomeUnknownWithin(exception) || exception is Orleans.Runtime.SiloUnavailableException or TimeoutException))
                    {
                        if (attempt == 1)
                        {
                            next.FirstFailure = exception;
                            if (DatabaseFailure.IsOutcomeUnknownWithin(exception))
                            {
                                // Asked of the database directly (the proxy may be dark): did the lost commit store the key?
                                next.StoredBeforeRetry = await ScalarAsync($"SELECT count(*) FROM idempotency_keys WHERE key = '{next.Key}'") == 1;
                            }
                        }

                        next.Attempts = attempt + 1;
                        await Task.Delay(100);
                    }
                }
            }
        })));
        await cutting;
        return ledger;
    }

    private Task<Dictionary<string, long>> CountByAsync(string sql) => Sql.CountByAsync(database, sql);

    private Task<long> ScalarAsync(string sql) => Sql.CountAsync(database, sql);

    /// <summary>Every write (its key, which is also its marker, and its number of rows) and how its first attempt was answered.</summary>
    private sealed class Ledger
    {
        private readonly ConcurrentQueue<Write> writes = new();

        public Write Start(string key, int size)
        {
            var write = new Write(key, size);
            writes.Enqueue(write);
            return write;
        }

        public string Describe()
        {
            var unknown = writes.Where(w => DatabaseFailure.IsOutcomeUnknownWithin(w.FirstFailure)).ToList();
            var unavailable = writes.Where(w => w.FirstFailure is not null && !DatabaseFailure.IsOutcomeUnknownWithin(w.FirstFailure)).ToList();
            return $"{writes.Count} writes, {writes.Count(w => w.FirstFailure is null)} answered stored at once, {unavailable.Count} answered 503 unavailable first, "
                + $"{unknown.Count} answered 503 outcome unknown first ({unknown.Count(u => u.StoredBeforeRetry)} of them had committed: their retries were answered from the key; "
                + $"{unknown.Count(u => !u.StoredBeforeRetry)} had not: their retries stored them); {writes.Sum(w => w.Attempts - 1)} retries in all";
        }

        public void VerifyExactlyOnce(Dictionary<string, long> stored)
        {
            Assert.Contains(writes, w => w.FirstFailure is null);
            Assert.Contains(writes, w => w.FirstFailure is not null);
            foreach (var write in writes)
            {
                var rows = stored.GetValueOrDefault(write.Key);
                Assert.True(rows == write.Size, $"{write.Key} ({write.Attempts} attempts, first failure: {write.FirstFailure?.Message}) has {rows} of its {write.Size} rows");
            }
        }
    }

    private sealed record Write(string Key, int Size)
    {
        public Exception? FirstFailure { get; set; }

        public bool StoredBeforeRetry { get; set; }

        public int Attempts { get; set; } = 1;
    }
}
