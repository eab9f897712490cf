using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PgAllInOne.Tests.Infrastructure;
using static PgAllInOne.Tests.Http.HttpApiTests;

namespace PgAllInOne.Tests.Http;

/// <summary>
/// The contract's errors as a client meets them: 415 for a body of another type, 405 with Allow for another method,
/// 400 naming the field and what it accepts — in the product's words, never .NET's.
/// </summary>
public sealed class ContractErrorTests(SharedSiloApp shared) : IClassFixture<SharedSiloApp>, IAsyncLifetime
{
    // Words of .NET's binders and types that must never reach a client.
    private static readonly string[] Leaks =
    [
        "PgAllInOne", "System.", "Nullable", "parameter", "DateTimeOffset", "Int32", "Int64", "JsonElement", "Request ", "Request[]",
        "LineNumber", "BytePositionInLine", "Did you mean", "converted", "Exception", "bind",
    ];

    private HttpClient http = null!;
    private long user;

    public async Task InitializeAsync()
    {
        http = shared.App.Admin();
        var name = $"carol{Guid.NewGuid():N}"[..20]; // a user of this test's own on the class's silo
        user = (await Json(await http.PostAsJsonAsync("/api/users", new { username = name, email = $"{name}@example.com" }))).GetProperty("id").GetInt64();
    }

    public Task DisposeAsync()
    {
        http.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ABodyOfAnotherType_Gets415_OnEveryEndpointThatTakesABody_AndChangesNothing()
    {
        string[] endpoints =
        [
            "POST /api/users", $"PATCH /api/users/{user}/profile", $"POST /api/users/{user}/events", "POST /api/devices/d1/metrics",
            "POST /api/documents", "PUT /api/documents/1", "PUT /api/records/r1", "POST /api/records/query", "POST /api/keys",
        ];
        foreach (var endpoint in endpoints)
        {
            var (method, path) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
            foreach (var contentType in new[] { "application/x-www-form-urlencoded", "text/plain", "application/xml", null })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent("""{"username":"dave","email":"dave@example.com"}"""u8.ToArray()) };
                request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
                var problem = await ProblemAsync(await http.SendAsync(request), 415, $"{endpoint} as {contentType ?? "no type"}");
                Assert.Equal("Unsupported content type", problem.Title);
                Assert.Contains("Content-Type: application/json", problem.Detail, StringComparison.Ordinal);
                Assert.Contains(contentType ?? "no Content-Type", problem.Detail, StringComparison.Ordinal);
            }
        }

        // Refused whole: the user a form-typed POST described does not exist; the same body as JSON creates it.
        Assert.Equal("[]", (await Json(await http.GetAsync($"/api/users/{user}/events"))).GetRawText());
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/api/users", Body("""{"username":"dave","email":"dave@example.com"}"""))).StatusCode);
        using var mergePatch = new HttpRequestMessage(HttpMethod.Patch, $"/api/users/{user}/profile") { Content = Body("""{"a":1}""", "application/merge-patch+json") };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(mergePatch)).StatusCode);
    }

    [Theory]
    [InlineData("DELETE", "/api/users/1", "GET")]
    [InlineData("PUT", "/api/users", "POST")]
    [InlineData("GET", "/api/users", "POST")]
    [InlineData("DELETE", "/api/users/1/events", "GET,POST")]
    [InlineData("POST", "/api/documents/1", "GET,PUT,DELETE")]
    [InlineData("PATCH", "/api/records/query", "GET,PUT,DELETE,POST")] // /api/records/{id} and /api/records/query both match
    [InlineData("POST", "/api/devices/d1/latest", "GET")]
    [InlineData("DELETE", "/api/analytics/events", "GET")]
    [InlineData("GET", "/api/analytics/cache/invalidate", "POST")]
    [InlineData("PUT", "/api/keys", "GET,POST")]
    [InlineData("POST", "/api/cluster", "GET")]
    public async Task AnotherMethodOnAKnownPath_Gets405_WithTheMethodsItAccepts(string method, string path, string allowed)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await http.SendAsync(request);
        var problem = await ProblemAsync(response, 405, $"{method} {path}");

        var allow = response.Content.Headers.Allow.Concat(response.Headers.TryGetValues("Allow", out var values) ? values : []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries));
        Assert.Equal(allowed.Split(',').Order(StringComparer.Ordinal), allow.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        Assert.Equal("Method not allowed", problem.Title);
        Assert.Contains(method, problem.Detail, StringComparison.Ordinal);
        Assert.All(allowed.Split(','), m => Assert.Contains(m, problem.Detail, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/api/nothing-here")]
    [InlineData("/api/users/1/nothing")]
    [InlineData("/apix/users")]
    public async Task AnUnknownPath_Stays404(string path)
    {
        var problem = await ProblemAsync(await http.DeleteAsync(path), 404, path);
        Assert.Equal("Not found", problem.Title);
        Assert.Contains(path, problem.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string?, string, string[]> BadRequests => new()
    {
        // Valid JSON, a value of the wrong form: "Invalid input", the JSON path and what it accepts.
        { "POST", "/api/users", """{"username":5,"email":"e@example.com"}""", "Invalid input", ["$.username", "string"] },
        { "POST", "/api/users", "\"just a string\"", "Invalid input", ["body must be a JSON object", "username", "email"] },
        { "POST", "/api/users", "[1,2]", "Invalid input", ["body must be a JSON object"] },
        { "POST", "/api/users/{user}/events", """{"type":"a","timestamp":"yesterday"}""", "Invalid input", ["$.timestamp", "RFC 3339", "2026-01-31T12:00:00Z"] },
        { "POST", "/api/users/{user}/events", """[{"type":"a"},{"type":"b","timestamp":"yesterday"}]""", "Invalid input", ["$[1].timestamp", "RFC 3339"] },
        { "POST", "/api/users/{user}/events", """[{"type":"a"},7]""", "Invalid input", ["$[1]", "event object"] },
        { "POST", "/api/devices/d1/metrics", """{"metric":"a","value":1}""", "Invalid input", ["body must be an array", "reading"] },
        { "POST", "/api/devices/d1/metrics", """[{"metric":"a","value":"x"}]""", "Invalid input", ["$[0].value", "finite number"] },
        { "POST", "/api/devices/d1/metrics", """[{"metric":"a","value":1},{"metric":"a","value":2,"time":"noon"}]""", "Invalid input", ["$[1].time", "RFC 3339"] },
        { "POST", "/api/devices/d1/metrics", """[{"metric":"a","value":1}, 3]""", "Invalid input", ["$[1]", "reading object"] },
        { "PUT", "/api/records/r1", """{"data":{},"ttlSeconds":"soon"}""", "Invalid input", ["$.ttlSeconds", "whole number"] },
        { "POST", "/api/records/query", """{"limit":"ten"}""", "Invalid input", ["$.limit", "whole number"] },
        { "POST", "/api/keys", """{"name":"n","role":["admin"]}""", "Invalid input", ["$.role", "string"] },

        // Query and path values: the parameter a client wrote and what it accepts.
        { "GET", "/api/users/{user}/events?from=abc", null, "Invalid input", ["from", "RFC 3339", "abc"] },
        { "GET", "/api/users/{user}/events?limit=many", null, "Invalid input", ["limit", "whole number"] },
        { "GET", "/api/search?q=a&limit=abc", null, "Invalid input", ["limit", "whole number"] },
        { "GET", "/api/analytics/events?from=yesterday", null, "Invalid input", ["from", "RFC 3339"] },
        { "GET", "/api/analytics/events?top=x", null, "Invalid input", ["top", "whole number"] },
        { "GET", "/api/devices/d1/metrics?metric=t&to=later", null, "Invalid input", ["to", "RFC 3339"] },
        { "GET", "/api/users/abc", null, "Invalid input", ["user id", "whole number from 1"] },
        { "GET", "/api/users/0", null, "Invalid input", ["user id", "whole number from 1"] },
        { "PATCH", "/api/users/x1/profile", "{}", "Invalid input", ["user id"] },
        { "GET", "/api/documents/abc", null, "Invalid input", ["document id", "whole number from 1"] },
        { "DELETE", "/api/keys/abc", null, "Invalid input", ["key id", "whole number from 1"] },

        // Not JSON at all: "Malformed JSON", where.
        { "POST", "/api/users", """{"username":""", "Malformed JSON", ["not valid JSON", "line 1"] },
        { "POST", "/api/users", "{'a':'b'}", "Malformed JSON", ["not valid JSON"] },
        { "POST", "/api/users/{user}/events", """{"type":"a",}""", "Malformed JSON", ["not valid JSON"] },
        { "POST", "/api/devices/d1/metrics", """[{"metric":"a","value":NaN}]""", "Malformed JSON", ["not valid JSON"] },
        { "POST", "/api/records/query", new string('[', 40) + new string(']', 40), "Malformed JSON", ["nested deeper than 32"] },

        // No body where one is needed.
        { "POST", "/api/users", "", "Missing body", ["username", "application/json"] },
        { "POST", "/api/devices/d1/metrics", "", "Missing body", ["array", "reading"] },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task EveryBadRequest_IsExplainedInTheProductsWords(string method, string path, string? body, string title, string[] detailContains)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{user}", user.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        var problem = await ProblemAsync(await http.SendAsync(request), 400, $"{method} {path} {body}");

        Assert.Equal(title, problem.Title);
        Assert.All(detailContains, part => Assert.Contains(part, problem.Detail, StringComparison.Ordinal));
        Assert.All(Leaks, leak => Assert.DoesNotContain(leak, problem.Title + " " + problem.Detail, StringComparison.Ordinal));
    }

    private static async Task<(string Title, string Detail)> ProblemAsync(HttpResponseMessage response, int status, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{what}: expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        return (problem.GetProperty("title").GetString() ?? "", problem.GetProperty("detail").GetString() ?? "");
    }
}
