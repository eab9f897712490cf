using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PgAllInOne.Grains.Idempotency;
using PgAllInOne.Grains.Maintenance;
using PgAllInOne.Tests.Infrastructure;
using static PgAllInOne.Tests.Http.HttpApiTests;

namespace PgAllInOne.Tests.Idempotency;

/// <summary>
/// The Idempotency-Key header on every POST that creates or appends, through the real silo host: a repeat is answered
/// with the first request's status and body and writes nothing; concurrent repeats store once; another body under the
/// same key is 422; keys are per API key; a malformed key is 400; keys past Api:IdempotencyWindow are purged by the
/// maintenance round (on a fake clock) and a repeat then writes again.
/// </summary>
public sealed class IdempotencyHttpTests(IdempotencyHttpTests.Silo silo) : IClassFixture<IdempotencyHttpTests.Silo>, IDisposable
{
    private readonly HttpClient http = silo.App.Admin();
    private readonly string database = silo.Database;
    private readonly FakeTimeProvider clock = silo.Clock;
    private readonly SiloApp app = silo.App;

    public void Dispose() => http.Dispose();

    [Fact]
    public async Task EveryCreatingPost_RepeatedWithItsKey_IsAnsweredAsTheFirstAndWritesOnce()
    {
        var user = await Send(HttpMethod.Post, "/api/users", """{"username":"ida","email":"ida@example.com"}""", "user-1");
        var userAgain = await Send(HttpMethod.Post, "/api/users", """{"username":"ida","email":"ida@example.com"}""", "user-1");
        Assert.Equal((HttpStatusCode.Created, user.Body, user.Location), (userAgain.Status, userAgain.Body, userAgain.Location));
        var id = JsonDocument.Parse(user.Body).RootElement.GetProperty("id").GetInt64();

        var events = await Send(HttpMethod.Post, $"/api/users/{id}/events", """[{"type":"a"},{"type":"b"}]""", "events-1");
        var eventsAgain = await Send(HttpMethod.Post, $"/api/users/{id}/events", """[{"type":"a"},{"type":"b"}]""", "events-1");
        Assert.Equal((HttpStatusCode.Created, """{"accepted":2}"""), (events.Status, events.Body));
        Assert.Equal((events.Status, events.Body, events.Location), (eventsAgain.Status, eventsAgain.Body, eventsAgain.Location));

        var readings = await Send(HttpMethod.Post, "/api/devices/d1/metrics", """[{"metric":"t","value":1.5}]""", "metrics-1");
        var readingsAgain = await Send(HttpMethod.Post, "/api/devices/d1/metrics", """[{"metric":"t","value":1.5}]""", "metrics-1");
        Assert.Equal((HttpStatusCode.Accepted, """{"accepted":1}"""), (readings.Status, readings.Body));
        Assert.Equal((readings.Status, readings.Body, readings.Location), (readingsAgain.Status, readingsAgain.Body, readingsAgain.Location));

        var document = await Send(HttpMethod.Post, "/api/documents", """{"title":"t","content":"once"}""", "document-1");
        var documentAgain = await Send(HttpMethod.Post, "/api/documents", """{"title":"t","content":"once"}""", "document-1");
        Assert.Equal(HttpStatusCode.Created, document.Status);
        Assert.Equal((document.Status, document.Body, document.Location), (documentAgain.Status, documentAgain.Body, documentAgain.Location));

        var key = await Send(HttpMethod.Post, "/api/keys", """{"name":"ci","role":"writer"}""", "key-1");
        var keyAgain = await Send(HttpMethod.Post, "/api/keys", """{"name":"ci","role":"writer"}""", "key-1");
        Assert.Equal(HttpStatusCode.Created, key.Status);
        Assert.Equal((key.Status, key.Body, key.Location), (keyAgain.Status, keyAgain.Body, keyAgain.Location)); // the same secret, handed out twice to its creator

        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM users WHERE username = 'ida'"));
        Assert.Equal(2L, await ScalarAsync($"SELECT count(*) FROM events WHERE user_id = {id}"));
        Assert.Equal(2L, await ScalarAsync($"SELECT event_count FROM users WHERE id = {id}"));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM metrics WHERE device_id = 'd1'"));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM documents WHERE content = 'once'"));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM api_keys WHERE name = 'ci'"));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM idempotency_keys WHERE result LIKE '%{JsonDocument.Parse(key.Body).RootElement.GetProperty("key").GetString()}%'")); // the secret is kept sealed
        Assert.Equal(2L, (await Json(await http.GetAsync($"/api/users/{id}"))).GetProperty("eventCount").GetInt64());
    }

    [Fact]
    public async Task ConcurrentRepeats_WaitForTheFirst_AndAllGetItsAnswer()
    {
        var id = JsonDocument.Parse((await Send(HttpMethod.Post, "/api/users", """{"username":"conc","email":"conc@example.com"}""", null)).Body).RootElement.GetProperty("id").GetInt64();
        var events = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Send(HttpMethod.Post, $"/api/users/{id}/events", """{"type":"same"}""", "burst")));
        var users = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Send(HttpMethod.Post, "/api/users", """{"username":"twin","email":"twin@example.com"}""", "twin")));
        var documents = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Send(HttpMethod.Post, "/api/documents", """{"title":"t","content":"burst"}""", "doc-burst")));

        Assert.All(events, e => Assert.Equal((HttpStatusCode.Created, """{"accepted":1}"""), (e.Status, e.Body)));
        Assert.All(users, u => Assert.Equal((HttpStatusCode.Created, users[0].Body), (u.Status, u.Body)));
        Assert.All(documents, d => Assert.Equal((HttpStatusCode.Created, documents[0].Body), (d.Status, d.Body)));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM events WHERE user_id = {id}"));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM users WHERE username = 'twin'"));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM documents WHERE content = 'burst'"));
        Assert.Equal(1L, (await Json(await http.GetAsync($"/api/users/{id}"))).GetProperty("eventCount").GetInt64());
    }

    [Fact]
    public async Task TheSameKeyWithAnotherBodyOrTarget_Is422_AndWritesNothing()
    {
        var id = JsonDocument.Parse((await Send(HttpMethod.Post, "/api/users", """{"username":"mis","email":"mis@example.com"}""", "mis-user")).Body).RootElement.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Post, $"/api/users/{id}/events", """{"type":"first"}""", "mis")).Status);

        var otherBody = await Send(HttpMethod.Post, $"/api/users/{id}/events", """{"type":"second"}""", "mis");
        var otherTarget = await Send(HttpMethod.Post, "/api/devices/m1/metrics", """[{"metric":"x","value":1}]""", "mis");
        var otherUser = await Send(HttpMethod.Post, "/api/users", """{"username":"mis2","email":"mis2@example.com"}""", "mis-user");
        foreach (var answer in new[] { otherBody, otherTarget, otherUser })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
            var problem = JsonDocument.Parse(answer.Body).RootElement;
            Assert.Equal("Idempotency key reused", problem.GetProperty("title").GetString());
            Assert.Contains("used before for another request", problem.GetProperty("detail").GetString());
        }

        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM events WHERE user_id = {id}"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM metrics WHERE device_id = 'm1'"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM users WHERE username = 'mis2'"));
    }

    [Fact]
    public async Task KeysBelongToTheirApiKey()
    {
        var writer = JsonDocument.Parse((await Send(HttpMethod.Post, "/api/keys", """{"name":"other","role":"writer"}""", null)).Body).RootElement.GetProperty("key").GetString();
        using var other = app.Client(writer);
        var id = JsonDocument.Parse((await Send(HttpMethod.Post, "/api/users", """{"username":"own","email":"own@example.com"}""", null)).Body).RootElement.GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Post, $"/api/users/{id}/events", """{"type":"mine"}""", "shared")).Status);
        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Post, $"/api/users/{id}/events", """{"type":"mine"}""", "shared", other)).Status);
        Assert.Equal(2L, await ScalarAsync($"SELECT count(*) FROM events WHERE user_id = {id}"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("quote\"inside")]
    [InlineData("back\\slash")]
    [InlineData("a-key-of-256-characters")]
    public async Task AMalformedKey_Is400_AndWritesNothing(string key)
    {
        if (key.StartsWith("a-key-of-256", StringComparison.Ordinal))
        {
            key = new string('k', 256);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents") { Content = new StringContent("""{"title":"bad","content":"key"}""", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key must be 1-255 visible ASCII characters", body);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM documents WHERE title = 'bad'"));
    }

    [Fact]
    public async Task AQuotedKey_IsTheSameKey_AndTwoHeadersAre400()
    {
        var first = await Send(HttpMethod.Post, "/api/documents", """{"title":"q","content":"quoted"}""", "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"");
        var bare = await Send(HttpMethod.Post, "/api/documents", """{"title":"q","content":"quoted"}""", "8e03978e-40d5-43e8-bc93-6894a57f9324");
        Assert.Equal(first.Body, bare.Body);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents") { Content = new StringContent("""{"title":"two","content":"keys"}""", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", ["a", "b"]);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM documents WHERE content = 'quoted'"));
    }

    [Fact]
    public async Task KeysPastTheWindow_ArePurgedByMaintenance_AndARepeatWritesAgain()
    {
        var id = JsonDocument.Parse((await Send(HttpMethod.Post, "/api/users", """{"username":"old","email":"old@example.com"}""", null)).Body).RootElement.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Post, $"/api/users/{id}/events", """{"type":"aging"}""", "aging")).Status);

        // Within the window (two hours here), a maintenance round keeps the key: the repeat stores nothing. (The silo's
        // own maintenance service runs its rounds on the same clock, so what is looked at is the key, not who purged it.)
        clock.Advance(TimeSpan.FromMinutes(119));
        await RunMaintenanceAsync();
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM idempotency_keys WHERE key = 'aging'"));
        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Post, $"/api/users/{id}/events", """{"type":"aging"}""", "aging")).Status);
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM events WHERE user_id = {id}"));

        // Past it, the round purges the key, and the same request is a new write.
        clock.Advance(TimeSpan.FromMinutes(2));
        await RunMaintenanceAsync();
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM idempotency_keys WHERE key = 'aging'"));
        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Post, $"/api/users/{id}/events", """{"type":"aging"}""", "aging")).Status);
        Assert.Equal(2L, await ScalarAsync($"SELECT count(*) FROM events WHERE user_id = {id}"));
        Assert.Equal(2L, (await Json(await http.GetAsync($"/api/users/{id}"))).GetProperty("eventCount").GetInt64());
    }

    private async Task<MaintenanceReport> RunMaintenanceAsync()
    {
        // The silo's own round (fired by the clock's advance) may hold the maintenance lock: ours is then skipped and
        // run again, so that a whole round on the advanced clock has run once this returns.
        await using var dataSource = NpgsqlDataSource.Create(database);
        var maintenance = new PartitionMaintenance(dataSource, Options.Create(new MaintenanceOptions()), idempotency: Options.Create(new IdempotencyOptions { IdempotencyWindow = TimeSpan.FromHours(2) }));
        MaintenanceReport report;
        while ((report = await maintenance.RunOnceAsync(clock.GetUtcNow())).Skipped)
        {
            await Task.Delay(50);
        }

        return report;
    }

    private async Task<(HttpStatusCode Status, string Body, Uri? Location)> Send(HttpMethod method, string path, string body, string? key, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        using var response = await (client ?? http).SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    private Task<long> ScalarAsync(string sql) => Sql.CountAsync(database, sql);

    /// <summary>One silo host for the class, on a fake data clock and a two-hour window.</summary>
    public sealed class Silo : IAsyncLifetime
    {
        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

        public string Database { get; private set; } = "";

        public SiloApp App { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Database = await (await PostgresServer.InstanceAsync()).CreateDatabaseAsync();
            App = await SiloApp.StartAsync(Database, new Dictionary<string, string?> { ["Api:IdempotencyWindow"] = "02:00:00" }, Clock);
        }

        public async Task DisposeAsync() => await App.DisposeAsync();
    }
}
