using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PgAllInOne.Tests.Infrastructure;
using static PgAllInOne.Tests.Http.HttpApiTests;

namespace PgAllInOne.Tests.Http;

/// <summary>One rule per thing: a metric name, an aggregate, a document's language mean the same on every endpoint.</summary>
public sealed class ContractRuleTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const string Range = "from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z&bucket=1h";

    private SiloApp app = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        app = await SiloApp.StartAsync(await postgres.CreateDatabaseAsync());
        http = app.Admin();
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task AMetricName_Is1To100Characters_WhenStored_Ranged_AndAnalysed()
    {
        var longest = new string('m', 100);
        var tooLong = new string('m', 101);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/api/devices/d1/metrics", Body($$"""[{"metric":"{{longest}}","value":1,"time":"2026-10-01T00:10:00Z"}]"""))).StatusCode);
        Assert.Equal(1, (await Json(await http.GetAsync($"/api/devices/d1/metrics?metric={longest}&{Range}&agg=count"))).GetArrayLength());
        Assert.Equal(1, (await Json(await http.GetAsync($"/api/analytics/metrics?metric={longest}&{Range}&agg=count"))).GetProperty("rows").GetArrayLength());

        var refusals = new[]
        {
            await http.PostAsync("/api/devices/d1/metrics", Body($$"""[{"metric":"{{tooLong}}","value":1}]""")),
            await http.GetAsync($"/api/devices/d1/metrics?metric={tooLong}&{Range}"),
            await http.GetAsync($"/api/analytics/metrics?metric={tooLong}&{Range}"),
            await http.GetAsync($"/api/devices/d1/metrics?metric=%20&{Range}"),
            await http.GetAsync($"/api/analytics/metrics?metric=%20&{Range}"),
        };
        foreach (var refused in refusals)
        {
            await ExpectProblemAsync(refused, 400, "metric must be 1-100 characters, not blank.");
        }
    }

    [Fact]
    public async Task AggLast_IsTheNewestReading_ForADeviceRange_AndInAnalytics_AndUnknownAggregatesAreRefusedAlike()
    {
        // Two readings at the same newest instant in the first hour: of equal times, the larger.
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/api/devices/d7/metrics", Body("""
            [{"metric":"load","value":5,"time":"2026-10-01T00:50:00Z"},{"metric":"load","value":2,"time":"2026-10-01T00:59:00Z"},
             {"metric":"load","value":3,"time":"2026-10-01T00:59:00Z"},{"metric":"load","value":9,"time":"2026-10-01T00:10:00Z"},
             {"metric":"load","value":4,"time":"2026-10-01T01:30:00Z"}]
            """))).StatusCode);

        var device = await Json(await http.GetAsync($"/api/devices/d7/metrics?metric=load&{Range}&agg=last"));
        var analytics = await Json(await http.GetAsync($"/api/analytics/metrics?metric=load&{Range}&agg=LAST&groupBy=device"));

        Assert.Equal([3.0, 4.0], device.EnumerateArray().Select(b => b.GetProperty("value").GetDouble()));
        Assert.Equal([3.0, 4.0], analytics.GetProperty("rows").EnumerateArray().Select(b => b.GetProperty("value").GetDouble()));
        Assert.Equal(["d7", "d7"], analytics.GetProperty("rows").EnumerateArray().Select(b => b.GetProperty("device").GetString()));

        const string aggregates = "agg must be one of avg, min, max, sum, count, last.";
        await ExpectProblemAsync(await http.GetAsync($"/api/devices/d7/metrics?metric=load&{Range}&agg=median"), 400, aggregates);
        await ExpectProblemAsync(await http.GetAsync($"/api/analytics/metrics?metric=load&{Range}&agg=median"), 400, aggregates);
    }

    [Fact]
    public async Task ADocumentsLanguage_IsOneOfTheAcceptedOnes_WhenStoredReplacedAndSearched()
    {
        const string accepted = "language must be one of english, chinese, simple";
        await ExpectProblemAsync(await http.PostAsJsonAsync("/api/documents", new { title = "t", content = "Qapla", language = "klingon" }), 400, accepted);
        await ExpectProblemAsync(await http.PostAsJsonAsync("/api/documents", new { title = "t", content = "Qapla", language = "" }), 400, accepted);
        await ExpectProblemAsync(await http.GetAsync("/api/search?q=qapla&language=klingon"), 400, accepted);

        var id = (await Json(await http.PostAsJsonAsync("/api/documents", new { title = "Harbour", content = "Ships in the harbour", language = "English" }))).GetProperty("id").GetInt64();
        Assert.Equal("english", (await Json(await http.GetAsync($"/api/documents/{id}"))).GetProperty("language").GetString());
        await ExpectProblemAsync(await http.PutAsJsonAsync($"/api/documents/{id}", new { title = "t", content = "c", language = "tlh" }), 400, accepted);

        var chinese = (await Json(await http.PostAsJsonAsync("/api/documents", new { title = "港口", content = "船只驶入港口 harbour", language = "chinese" }))).GetProperty("id").GetInt64();
        var hits = (await Json(await http.GetAsync("/api/search?q=harbour&language=chinese"))).GetProperty("hits");
        Assert.Equal([chinese], hits.EnumerateArray().Select(h => h.GetProperty("id").GetInt64()));
        Assert.Equal(2, (await Json(await http.GetAsync("/api/search?q=harbour"))).GetProperty("hits").GetArrayLength());
        Assert.Equal(JsonValueKind.Array, (await Json(await http.GetAsync("/api/search?q=harbour&language=SIMPLE"))).GetProperty("hits").ValueKind);
    }
}
