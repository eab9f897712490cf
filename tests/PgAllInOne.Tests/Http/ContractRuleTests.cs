using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PgAllInOne.Tests.Infrastructure;
using static PgAllInOne.Tests.Http.HttpApiTests;

namespace PgAllInOne.Tests.Http;

/// <summary>One rule per thing: a metric name, an aggregate, a document's language mean the same on every endpoint.</summary>
/// <remarks>One silo for the class, its tests one after another, each on devices, metric names and search words of its own.</remarks>
public sealed class ContractRuleTests(SharedSiloApp shared) : IClassFixture<SharedSiloApp>, IDisposable
{
    private const string Range = "from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z&bucket=1h";

    private readonly string database = shared.Database;
    private readonly HttpClient http = shared.App.Admin();

    public void Dispose() => http.Dispose();

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

    [Fact]
    public async Task ALanguageTag_OrTheContentLanguageHeader_LabelsADocumentAsEnglishOrChinese_AndAnUnknownTagWritesNothing()
    {
        var english = await AddAsync(new { title = "Lighthouse", content = "The lighthouse keeper", language = "en" });
        var american = await AddAsync(new { title = "Lighthouse", content = "A lighthouse keeper's log", language = "EN-us" });
        var chinese = await AddAsync(new { title = "灯塔", content = "灯塔看守人 lighthouse", language = "zh-CN" });
        var byHeader = await AddAsync(new { title = "灯塔", content = "灯塔的光 lighthouse" }, "zh");
        var bodyFirst = await AddAsync(new { title = "Lighthouse", content = "lighthouse lamp", language = "en-GB" }, "zh-TW");

        Assert.Equal(["english", "english", "chinese", "chinese", "english"], await Task.WhenAll(new[] { english, american, chinese, byHeader, bodyFirst }.Select(LanguageAsync)));
        Assert.Equal([english, american, bodyFirst], await SearchAsync("lighthouse", "en"));
        Assert.Equal([chinese, byHeader], await SearchAsync("lighthouse", "zh-Hans"));
        Assert.Equal([chinese, byHeader], await SearchAsync("灯塔", "ZH-tw"));
        Assert.Equal([chinese, byHeader], await SearchAsync("灯塔", "chinese"));

        // A replacement without language takes the header's.
        using (var replace = new HttpRequestMessage(HttpMethod.Put, $"/api/documents/{english}") { Content = JsonContent.Create(new { title = "灯塔", content = "灯塔 lighthouse" }) })
        {
            replace.Content.Headers.ContentLanguage.Add("zh-Hant-TW");
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(replace)).StatusCode);
        }

        Assert.Equal("chinese", await LanguageAsync(english));

        var stored = await DocumentsAsync();
        const string accepted = "must be one of english, chinese, simple, or a language tag of English or Chinese";
        await ExpectProblemAsync(await http.PostAsJsonAsync("/api/documents", new { title = "Phare", content = "Le phare", language = "fr" }), 400, "language " + accepted);
        await ExpectProblemAsync(await http.PostAsJsonAsync("/api/documents", new { title = "t", content = "c", language = "en_US" }), 400, "language " + accepted);
        await ExpectProblemAsync(await http.PostAsJsonAsync("/api/documents", new { title = "t", content = "c", language = "zh--CN" }), 400, "language " + accepted);
        await ExpectProblemAsync(await http.PostAsJsonAsync("/api/documents", new { title = "t", content = "c", language = "en-toolongsubtag" }), 400, "language " + accepted);
        await ExpectProblemAsync(await SendAsync(HttpMethod.Post, "/api/documents", new { title = "Phare", content = "Le phare" }, "fr-FR"), 400, "Content-Language " + accepted);
        await ExpectProblemAsync(await SendAsync(HttpMethod.Post, "/api/documents", new { title = "t", content = "c" }, "en", "zh"), 400, "Content-Language must name one language");
        await ExpectProblemAsync(await SendAsync(HttpMethod.Put, $"/api/documents/{american}", new { title = "t", content = "c" }, "de"), 400, "Content-Language " + accepted);
        await ExpectProblemAsync(await http.PutAsJsonAsync($"/api/documents/{american}", new { title = "t", content = "c", language = "ja" }), 400, "language " + accepted);
        await ExpectProblemAsync(await http.GetAsync("/api/search?q=lighthouse&language=fr"), 400, "language " + accepted);
        Assert.Equal(stored, await DocumentsAsync());
    }

    private async Task<long> AddAsync(object document, params string[] contentLanguage) =>
        (await Json(await SendAsync(HttpMethod.Post, "/api/documents", document, contentLanguage))).GetProperty("id").GetInt64();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body, params string[] contentLanguage)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        foreach (var tag in contentLanguage)
        {
            request.Content.Headers.ContentLanguage.Add(tag);
        }

        return await http.SendAsync(request);
    }

    private async Task<string> LanguageAsync(long id) => (await Json(await http.GetAsync($"/api/documents/{id}"))).GetProperty("language").GetString() ?? "";

    private async Task<long[]> SearchAsync(string query, string language) =>
        [.. (await Json(await http.GetAsync($"/api/search?q={Uri.EscapeDataString(query)}&language={language}"))).GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetInt64()).Order()];

    // Every stored document as it is, to show that a refused request changed none.
    private async Task<string> DocumentsAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT coalesce(string_agg(id || ':' || title || ':' || content || ':' || coalesce(language, ''), '|' ORDER BY id), '') FROM documents", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
