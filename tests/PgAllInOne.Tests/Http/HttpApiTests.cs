using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Http;

/// <summary>
/// Every endpoint of API.md through real HTTP on the real silo host: success paths and their error codes. One silo for
/// the class, its tests one after another, each on users, devices, documents and records of its own.
/// </summary>
public sealed class HttpApiTests(HttpApiTests.ClockedSilo silo) : IClassFixture<HttpApiTests.ClockedSilo>, IDisposable
{
    private readonly FakeTimeProvider clock = silo.Clock;
    private readonly SiloApp app = silo.App;
    private readonly HttpClient http = silo.App.Admin();

    public void Dispose() => http.Dispose();

    [Fact]
    public async Task Users_AreCreatedPatchedAndCountEvents_WithConflictsAndVersionsAsStatusCodes()
    {
        var created = await http.PostAsJsonAsync("/api/users", new { username = "alice", email = "alice@example.com", profile = new { city = "Oslo" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = await Json(created);
        var id = user.GetProperty("id").GetInt64();
        Assert.Equal($"/api/users/{id}", created.Headers.Location?.ToString());

        await ExpectProblemAsync(await http.PostAsJsonAsync("/api/users", new { username = "ALICE", email = "other@example.com" }), 409, "alice");
        await ExpectProblemAsync(await http.PostAsJsonAsync("/api/users", new { username = "x", email = "x@example.com" }), 400, "username");
        await ExpectProblemAsync(await http.GetAsync("/api/users/999999"), 404, "999999");

        var events = await http.PostAsync($"/api/users/{id}/events", Body("""[{"type":"click"},{"type":"view","data":{"page":"/"}},{"type":"click","timestamp":"2026-11-01T10:00:00Z"}]"""));
        Assert.Equal(HttpStatusCode.Created, events.StatusCode);
        Assert.Equal(3, (await Json(events)).GetProperty("accepted").GetInt32());
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsync($"/api/users/{id}/events", Body("""{"type":"login"}"""))).StatusCode);
        await ExpectProblemAsync(await http.PostAsync($"/api/users/{id}/events", Body("[]")), 400, "1 to 1000");

        var clicks = await Json(await http.GetAsync($"/api/users/{id}/events?type=click&limit=10"));
        Assert.Equal(2, clicks.GetArrayLength());
        Assert.True(clicks[0].GetProperty("timestamp").GetDateTimeOffset() > clicks[1].GetProperty("timestamp").GetDateTimeOffset(), "newest first");

        using var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/users/{id}/profile") { Content = Body("""{"city":null,"lang":"nb"}""", "application/merge-patch+json") };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"7\"");
        await ExpectProblemAsync(await http.SendAsync(stale), 412, "version");
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/users/{id}/profile") { Content = Body("""{"city":null,"lang":"nb"}""", "application/merge-patch+json") };
        patch.Headers.TryAddWithoutValidation("If-Match", "1");
        var patched = await Json(await http.SendAsync(patch));

        Assert.Equal("""{"lang":"nb"}""", patched.GetProperty("profile").GetRawText());
        var read = await Json(await http.GetAsync($"/api/users/{id}"));
        Assert.Equal((4, 2), (read.GetProperty("eventCount").GetInt32(), read.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task Devices_IngestAllOrNothing_AndAnswerLatestAndBuckets()
    {
        var accepted = await http.PostAsync("/api/devices/sensor-1/metrics", Body("""
            [{"metric":"temp","value":20.5,"time":"2026-11-22T10:00:10Z"},{"metric":"temp","value":21.5,"time":"2026-11-22T10:00:50Z"},{"metric":"hum","value":40,"time":"2026-11-22T10:01:10Z","tags":{"room":"a"}}]
            """));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(3, (await Json(accepted)).GetProperty("accepted").GetInt32());
        await ExpectProblemAsync(await http.PostAsync("/api/devices/sensor-1/metrics", Body("""[{"metric":"temp","value":1},{"metric":"","value":2}]""")), 400, "metric");
        await ExpectProblemAsync(await http.PostAsync("/api/devices/sensor-1/metrics", Body("""[{"metric":"temp","value":1e400}]""")), 400, "value");

        var latest = await Json(await http.GetAsync("/api/devices/sensor-1/latest"));
        Assert.Equal("""[{"metric":"hum","value":40,"time":"2026-11-22T10:01:10+00:00"},{"metric":"temp","value":21.5,"time":"2026-11-22T10:00:50+00:00"}]""", latest.GetRawText());
        var buckets = await Json(await http.GetAsync("/api/devices/sensor-1/metrics?metric=temp&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z&bucket=1m&agg=sum"));
        Assert.Equal(42.0, buckets[0].GetProperty("value").GetDouble());
        Assert.Equal(2, buckets[0].GetProperty("count").GetInt32());
        await ExpectProblemAsync(await http.GetAsync("/api/devices/sensor-1/metrics?metric=temp&bucket=soon"), 400, "bucket");
    }

    [Fact]
    public async Task Documents_AreStoredSearchedReplacedAndDeleted()
    {
        var id = (await Json(await http.PostAsJsonAsync("/api/documents", new { title = "静夜思", content = "床前明月光，疑是地上霜。举头望明月，低头思故乡。" }))).GetProperty("id").GetInt64();
        var english = (await Json(await http.PostAsJsonAsync("/api/documents", new { title = "Harbour", content = "Ships were sailing into the harbour", language = "english" }))).GetProperty("id").GetInt64();

        var chinese = await Json(await http.GetAsync("/api/search?q=" + Uri.EscapeDataString("明月")));
        Assert.Equal(id, chinese.GetProperty("hits")[0].GetProperty("id").GetInt64());
        Assert.Contains("<mark>明月</mark>", chinese.GetProperty("hits")[0].GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.True(chinese.TryGetProperty("tookMs", out _));
        Assert.Equal(english, (await Json(await http.GetAsync("/api/search?q=sail"))).GetProperty("hits")[0].GetProperty("id").GetInt64());
        await ExpectProblemAsync(await http.GetAsync("/api/search?q=x&limit=0"), 400, "limit");

        Assert.Equal(HttpStatusCode.OK, (await http.PutAsJsonAsync($"/api/documents/{english}", new { title = "Station", content = "Trains leave the station" })).StatusCode);
        Assert.Equal("Station", (await Json(await http.GetAsync($"/api/documents/{english}"))).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/documents/{english}")).StatusCode);
        await ExpectProblemAsync(await http.GetAsync($"/api/documents/{english}"), 404, english.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ExpectProblemAsync(await http.DeleteAsync($"/api/documents/{english}"), 404, "document");
    }

    [Fact]
    public async Task Analytics_AreCachedUntilInvalidated_AndSayWhere()
    {
        var user = (await Json(await http.PostAsJsonAsync("/api/users", new { username = "bob", email = "bob@example.com" }))).GetProperty("id").GetInt64();
        await http.PostAsync($"/api/users/{user}/events", Body("""[{"type":"a","timestamp":"2026-10-01T00:00:00Z"},{"type":"a","timestamp":"2026-10-02T00:00:00Z"},{"type":"b","timestamp":"2026-10-02T00:00:00Z"}]"""));
        const string url = "/api/analytics/events?groupBy=type&from=2026-09-01T00:00:00Z&to=2026-11-01T00:00:00Z";

        var first = await http.GetAsync(url);
        var second = await http.GetAsync(url);
        await http.PostAsync($"/api/users/{user}/events", Body("""{"type":"b","timestamp":"2026-10-03T00:00:00Z"}"""));
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/analytics/cache/invalidate", null)).StatusCode);
        var third = await http.GetAsync(url);

        Assert.Equal(["miss", "hit", "miss"], new[] { first, second, third }.Select(r => r.Headers.GetValues("X-Cache").Single()));
        var rows = (await Json(first)).GetProperty("rows");
        Assert.Equal(("a", 2), (rows[0].GetProperty("key").GetString(), rows[0].GetProperty("count").GetInt32()));
        Assert.Equal(2, (await Json(third)).GetProperty("rows")[1].GetProperty("count").GetInt32());
        Assert.True((await Json(third)).TryGetProperty("computedAt", out _));

        await http.PostAsync("/api/devices/d9/metrics", Body("""[{"metric":"load","value":2,"time":"2026-10-01T00:10:00Z"},{"metric":"load","value":4,"time":"2026-10-01T00:20:00Z"}]"""));
        var metrics = await Json(await http.GetAsync("/api/analytics/metrics?metric=load&from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z&bucket=1h&agg=avg&groupBy=device"));
        Assert.Equal(("d9", 3.0), (metrics.GetProperty("rows")[0].GetProperty("device").GetString(), metrics.GetProperty("rows")[0].GetProperty("value").GetDouble()));
        await ExpectProblemAsync(await http.GetAsync("/api/analytics/events?groupBy=month"), 400, "groupBy");
    }

    [Fact]
    public async Task Records_UpsertWithVersions_ExpireAndQueryByFilters()
    {
        var put = await http.PutAsJsonAsync("/api/records/r1", new { data = new { score = 5, tag = "x" }, type = "note", sessionId = "s1" });
        var written = await Json(put);
        Assert.Equal(1, written.GetProperty("version").GetInt32());
        await http.PutAsJsonAsync("/api/records/r2", new { data = new { score = 9, tag = "y" }, type = "note", sessionId = "s1" });
        await http.PutAsJsonAsync("/api/records/gone", new { data = new { score = 99 }, ttlSeconds = 1 });

        using var stale = new HttpRequestMessage(HttpMethod.Put, "/api/records/r1") { Content = JsonContent.Create(new { data = new { score = 6 } }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "5");
        await ExpectProblemAsync(await http.SendAsync(stale), 412, "version");
        await ExpectProblemAsync(await http.PutAsJsonAsync("/api/records/r3", new { type = "note" }), 400, "data");

        var found = await Json(await http.PostAsync("/api/records/query", Body("""{"filter":{"score":{"$gte":5},"tag":{"$in":["x","y"]}},"type":"note","limit":10}""")));
        Assert.Equal(["r2", "r1"], found.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        await ExpectProblemAsync(await http.PostAsync("/api/records/query", Body("""{"filter":{"score":{"$where":"1=1"}}}""")), 400, "$where");

        clock.Advance(TimeSpan.FromSeconds(1.1));
        await ExpectProblemAsync(await http.GetAsync("/api/records/gone"), 404, "gone");
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/api/records/r1")).StatusCode);
        await ExpectProblemAsync(await http.GetAsync("/api/records/r1"), 404, "r1");
    }

    [Fact]
    public async Task ClusterAndOpenApi_DescribeTheSiloAndTheContract()
    {
        // A user no test creates: a user grain asked first for an id created later in the class's silo would answer that
        // it does not exist.
        await http.GetAsync("/api/users/999999");
        await Eventually.TrueAsync(
            async () => (await Json(await http.GetAsync("/api/cluster"))).GetProperty("silos") is { ValueKind: JsonValueKind.Array } silos
                && silos.GetArrayLength() == 1 && silos[0].GetProperty("status").GetString() == "active" && silos[0].GetProperty("activations").GetInt32() > 0,
            "the silo to report its activations");

        var openApi = await Json(await app.Client(null).GetAsync("/openapi/v1.json"));
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var path in new[] { "/api/users", "/api/users/{id}", "/api/users/{id}/profile", "/api/users/{id}/events", "/api/devices/{id}/metrics", "/api/devices/{id}/latest", "/api/documents", "/api/documents/{id}", "/api/search", "/api/analytics/events", "/api/analytics/metrics", "/api/analytics/cache/invalidate", "/api/records/{id}", "/api/records/query", "/api/cluster", "/api/keys", "/api/keys/{id}" })
        {
            Assert.Contains(path, paths);
        }

        await ExpectProblemAsync(await http.GetAsync("/api/nothing-here"), 404, "nothing");
    }

    internal static StringContent Body(string json, string mediaType = "application/json") => new(json, Encoding.UTF8, mediaType);

    internal static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static async Task ExpectProblemAsync(HttpResponseMessage response, int status, string detailContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detailContains, JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString() ?? "", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The class's silo, whose data features keep a clock the tests move.</summary>
    public sealed class ClockedSilo : IAsyncLifetime
    {
        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

        public SiloApp App { get; private set; } = null!;

        public async Task InitializeAsync() => App = await SiloApp.StartAsync(await (await PostgresServer.InstanceAsync()).CreateDatabaseAsync(), clock: Clock);

        public async Task DisposeAsync() => await App.DisposeAsync();
    }
}
