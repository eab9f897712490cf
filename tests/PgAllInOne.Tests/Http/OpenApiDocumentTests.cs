using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;
using static PgAllInOne.Tests.Http.HttpApiTests;

namespace PgAllInOne.Tests.Http;

/// <summary>
/// /openapi/v1.json read with Microsoft.OpenApi's reader: no errors, both ways to present a key, every mapped route
/// documented, every status that real requests get listed for their operation, and a real schema with an example for
/// every body.
/// </summary>
public sealed class OpenApiDocumentTests(SharedSiloApp shared, ITestOutputHelper output) : IClassFixture<SharedSiloApp>, IAsyncLifetime
{
    private static readonly HashSet<string> Anonymous = new(StringComparer.Ordinal) { "GET /healthz", "GET /readyz" };

    private SiloApp app = null!;
    private OpenApiDocument document = null!;

    public async Task InitializeAsync()
    {
        app = shared.App;
        using var anonymous = app.Client(null);
        await using var stream = await anonymous.GetStreamAsync("/openapi/v1.json");
        var result = await OpenApiDocument.LoadAsync(stream, "json", new OpenApiReaderSettings());
        Assert.True(result.Diagnostic?.Errors.Count == 0, string.Join("\n", result.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? ["no diagnostic"]));
        var warnings = result.Diagnostic?.Warnings.Select(w => $"{w.Pointer}: {w.Message}").ToList() ?? [];
        warnings.ForEach(output.WriteLine);
        Assert.True(warnings.Count == 0, string.Join("\n", warnings));

        document = result.Document ?? throw new InvalidOperationException("no document");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void EveryMappedRoute_IsDocumented()
    {
        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {Path(e.RoutePattern.RawText)}"))
            .Where(Contract)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var documented = Operations().Select(o => o.Key).ToHashSet(StringComparer.Ordinal);

        Assert.True(mapped.Count >= 25, $"only {mapped.Count} routes: {string.Join(", ", mapped)}");
        var undocumented = mapped.Where(m => !documented.Contains(m)).ToList();
        var unmapped = documented.Where(d => !mapped.Contains(d)).ToList();
        Assert.True(undocumented.Count == 0, "mapped, not documented: " + string.Join(", ", undocumented));
        Assert.True(unmapped.Count == 0, "documented, not mapped: " + string.Join(", ", unmapped));
    }

    [Fact]
    public async Task KeysArePresentedAsBearerOrXApiKey_AndEveryOperationButTheProbesNeedsOne()
    {
        var schemes = document.Components!.SecuritySchemes!;
        Assert.Equal((SecuritySchemeType.Http, "bearer"), (schemes["bearer"].Type!.Value, schemes["bearer"].Scheme));
        Assert.Equal((SecuritySchemeType.ApiKey, ParameterLocation.Header, "X-Api-Key"), (schemes["apiKey"].Type!.Value, schemes["apiKey"].In!.Value, schemes["apiKey"].Name));

        using var keyless = app.Client(null);
        using var xApiKey = new HttpClient { BaseAddress = app.BaseAddress };
        xApiKey.DefaultRequestHeaders.Add("X-Api-Key", app.AdminKey);
        foreach (var (key, operation) in Operations())
        {
            var names = operation.Security?.SelectMany(r => r.Keys).Select(s => s.Reference.Id).Order(StringComparer.Ordinal).ToList() ?? [];
            Assert.True(Anonymous.Contains(key) ? names.Count == 0 : names.SequenceEqual(["apiKey", "bearer"]), $"{key}: {string.Join(", ", names)}");

            // What the document says, the server does: without a key 401 (documented), with X-Api-Key never 401.
            var (method, path) = Split(key);
            using var request = new HttpRequestMessage(new HttpMethod(method), Concrete(path));
            var status = (int)(await keyless.SendAsync(request)).StatusCode;
            Assert.True(Anonymous.Contains(key) ? status != 401 : status == 401, $"{key} without a key: {status}");
            if (!Anonymous.Contains(key))
            {
                Assert.Contains("401", operation.Responses!.Keys);
                using var keyed = new HttpRequestMessage(new HttpMethod(method), Concrete(path));
                Assert.NotEqual(401, (int)(await xApiKey.SendAsync(keyed)).StatusCode);
            }
        }
    }

    [Fact]
    public async Task EveryStatusThatRequestsGet_IsDocumentedForItsOperation_AsProblemDetails()
    {
        using var admin = app.Admin();
        var reader = (await Json(await admin.PostAsJsonAsync("/api/keys", new { name = "reader", role = "reader" }))).GetProperty("key").GetString();
        using var readerClient = app.Client(reader);
        using var keyless = app.Client(null);
        var user = (await Json(await admin.PostAsJsonAsync("/api/users", new { username = "erin", email = "erin@example.com" }))).GetProperty("id").GetInt64();
        var document = (await Json(await admin.PostAsJsonAsync("/api/documents", new { title = "t", content = "c" }))).GetProperty("id").GetInt64();
        await admin.PutAsJsonAsync("/api/records/r1", new { data = new { a = 1 } });

        var requests = new List<(HttpClient Client, string Method, string Path, string? Body, string? Type, string? IfMatch)>
        {
            (admin, "POST", "/api/users", """{"username":"erin","email":"other@example.com"}""", "application/json", null),
            (admin, "POST", "/api/users", """{"username":"e"}""", "application/json", null),
            (admin, "POST", "/api/users", "{}", "text/plain", null),
            (admin, "POST", "/api/users", "{\"profile\":\"" + new string('x', 4_300_000) + "\"}", "application/json", null),
            (readerClient, "POST", "/api/users", """{"username":"fred","email":"fred@example.com"}""", "application/json", null),
            (readerClient, "GET", $"/api/users/{user}", null, null, null),
            (admin, "GET", "/api/users/99999", null, null, null),
            (admin, "GET", "/api/users/abc", null, null, null),
            (admin, "PATCH", $"/api/users/{user}/profile", """{"a":1}""", "application/merge-patch+json", "\"9\""),
            (admin, "PATCH", $"/api/users/{user}/profile", """{"a":1}""", "application/merge-patch+json", "1"),
            (admin, "PATCH", "/api/users/99999/profile", "{}", "application/json", null),
            (admin, "POST", $"/api/users/{user}/events", """{"type":"a"}""", "application/json", null),
            (admin, "POST", $"/api/users/{user}/events", """{"type":"a","timestamp":"yesterday"}""", "application/json", null),
            (admin, "POST", "/api/users/99999/events", """{"type":"a"}""", "application/json", null),
            (admin, "GET", $"/api/users/{user}/events?limit=0", null, null, null),
            (admin, "GET", "/api/users/99999/events", null, null, null),
            (admin, "POST", "/api/devices/d1/metrics", """[{"metric":"m","value":1}]""", "application/json", null),
            (admin, "POST", "/api/devices/d1/metrics", """[{"metric":"m"}]""", "application/json", null),
            (admin, "GET", "/api/devices/d1/latest", null, null, null),
            (admin, "GET", "/api/devices/d1/metrics?metric=m", null, null, null),
            (admin, "GET", "/api/devices/d1/metrics?metric=m&agg=median", null, null, null),
            (admin, "POST", "/api/documents", """{"title":"t","content":"c","language":"klingon"}""", "application/json", null),
            (admin, "GET", $"/api/documents/{document}", null, null, null),
            (admin, "GET", "/api/documents/99999", null, null, null),
            (admin, "PUT", $"/api/documents/{document}", """{"title":"t2","content":"c"}""", "application/json", null),
            (admin, "PUT", "/api/documents/99999", """{"title":"t2","content":"c"}""", "application/json", null),
            (admin, "DELETE", "/api/documents/99999", null, null, null),
            (admin, "DELETE", $"/api/documents/{document}", null, null, null),
            (admin, "GET", "/api/search?q=c", null, null, null),
            (admin, "GET", "/api/search?q=", null, null, null),
            (admin, "GET", "/api/analytics/events", null, null, null),
            (admin, "GET", "/api/analytics/events?groupBy=month", null, null, null),
            (admin, "GET", "/api/analytics/metrics?metric=m&agg=last", null, null, null),
            (admin, "GET", "/api/analytics/metrics", null, null, null),
            (admin, "POST", "/api/analytics/cache/invalidate", null, null, null),
            (readerClient, "POST", "/api/analytics/cache/invalidate", null, null, null),
            (admin, "PUT", "/api/records/r1", """{"data":{"a":2}}""", "application/json", "\"7\""),
            (admin, "PUT", "/api/records/r2", """{"data":{"a":2}}""", "application/json", null),
            (admin, "PUT", "/api/records/r2", """{"type":"x"}""", "application/json", null),
            (admin, "GET", "/api/records/r1", null, null, null),
            (admin, "GET", "/api/records/missing", null, null, null),
            (admin, "DELETE", "/api/records/missing", null, null, null),
            (admin, "DELETE", "/api/records/r2", null, null, null),
            (admin, "POST", "/api/records/query", """{"filter":{"a":{"$gt":0}}}""", "application/json", null),
            (admin, "POST", "/api/records/query", """{"filter":{"a":{"$where":0}}}""", "application/json", null),
            (admin, "GET", "/api/cluster", null, null, null),
            (keyless, "GET", "/api/cluster", null, null, null),
            (keyless, "POST", "/api/users", "{}", "application/json", null),
            (admin, "GET", "/api/dashboard/database", null, null, null),
            (admin, "GET", "/metrics", null, null, null),
            (admin, "GET", "/api/keys", null, null, null),
            (readerClient, "GET", "/api/keys", null, null, null),
            (admin, "POST", "/api/keys", """{"name":"w","role":"owner"}""", "application/json", null),
            (admin, "DELETE", "/api/keys/99999", null, null, null),
            (admin, "DELETE", "/api/keys/x", null, null, null),
            (admin, "GET", "/healthz", null, null, null),
            (admin, "GET", "/readyz", null, null, null),
        };

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var undocumented = new List<string>();
        foreach (var (client, method, path, body, type, ifMatch) in requests)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                request.Content.Headers.ContentType = type is null ? null : MediaTypeHeaderValue.Parse(type);

                // Over the limit: refused from its Content-Length before it is sent (see HostileInputTests).
                request.Headers.ExpectContinue = body.Length > 4_000_000;
            }

            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            using var response = await client.SendAsync(request);
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var (key, operation) = Operations().Single(o => Matches(o.Key, method, path));
            seen.Add($"{key} {status}");
            if (operation.Responses?.TryGetValue(status, out var documented) != true)
            {
                undocumented.Add($"{method} {path} → {status} ({key} documents {string.Join(", ", operation.Responses?.Keys.ToList() ?? [])})");
            }
            else if ((int)response.StatusCode >= 400)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal("ProblemDetails", Assert.IsType<OpenApiSchemaReference>(documented!.Content!["application/problem+json"].Schema).Reference.Id);
            }
        }

        Assert.Empty(undocumented);
        foreach (var status in new[] { "200", "201", "202", "204", "400", "401", "403", "404", "409", "412", "413", "415" })
        {
            Assert.True(seen.Any(s => s.EndsWith(" " + status, StringComparison.Ordinal)), $"no request got {status}");
        }
    }

    [Fact]
    public void EveryBody_HasARealSchema_WithAnExample()
    {
        var missing = new List<string>();
        foreach (var (key, operation) in Operations())
        {
            var bodies = (operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>()).Select(c => ($"{key} request {c.Key}", c.Value))
                .Concat((operation.Responses ?? []).SelectMany(r => (r.Value.Content ?? new Dictionary<string, OpenApiMediaType>()).Select(c => ($"{key} {r.Key} {c.Key}", c.Value))));
            foreach (var (what, media) in bodies)
            {
                var schema = media.Schema;
                if (schema is null || Mentions(schema, "JsonElement"))
                {
                    missing.Add($"{what}: no real schema");
                    continue;
                }

                var item = schema.Type == JsonSchemaType.Array ? schema.Items : schema;
                if (media.Example is null && (item?.Examples?.Count ?? 0) == 0 && !(schema.OneOf?.All(s => s.Examples?.Count > 0) ?? false))
                {
                    missing.Add($"{what}: no example");
                }
            }
        }

        Assert.Empty(missing);
        Assert.DoesNotContain("JsonElement", document.Components!.Schemas!.Keys);
        Assert.Equal(["type", "data", "timestamp"], document.Components.Schemas["NewEventRequest"].Properties!.Keys);
        Assert.Equal(["email", "username"], document.Components.Schemas["CreateUserRequest"].Required!.Order(StringComparer.Ordinal));
        Assert.Equal(JsonSchemaType.Object, document.Components.Schemas["UserView"].Properties!["profile"].Type);
        var events = Operations().Single(o => o.Key == "POST /api/users/{id}/events").Operation.RequestBody!.Content!["application/json"].Schema!;
        Assert.Equal(2, events.OneOf!.Count);
        Assert.Contains("application/merge-patch+json", Operations().Single(o => o.Key == "PATCH /api/users/{id}/profile").Operation.RequestBody!.Content!.Keys);
    }

    [Fact]
    public void TheApiReference_StatesEveryLimitValueAndDefault_OfTheDocument()
    {
        var reference = File.ReadAllText(PgAllInOne.Tests.Deployment.DeploymentFiles.FullPath("silo/PgAllInOne.Silo/Api/API-REFERENCE.md"));
        var written = reference.Split('\n')
            .Where(line => line.StartsWith("| ", StringComparison.Ordinal) && line.Contains("| `", StringComparison.Ordinal))
            .Select(line => string.Join(" | ", line.Trim().Trim('|').Split('|').Select(cell => cell.Trim().Trim('`'))))
            .ToList();

        var schemas = document.Components!.Schemas!;
        var stated = new List<string>();
        foreach (var body in new[] { "CreateUserRequest", "NewEventRequest", "MetricReadingRequest", "DocumentRequest", "RecordRequest", "RecordQueryRequest", "CreateKeyRequest", "CreateRestorePointRequest" })
        {
            stated.AddRange(schemas[body].Properties!.Select(p => Row(body, p.Key, p.Value, schemas[body].Required?.Contains(p.Key) == true)));
        }

        foreach (var (key, operation) in Operations())
        {
            stated.AddRange((operation.Parameters ?? []).Select(p => Row(key, p.Name!, p.Schema!, p.Required)));
        }

        Assert.True(stated.Count >= 60, $"only {stated.Count} rules");
        var unwritten = stated.Except(written, StringComparer.Ordinal).ToList();
        var unstated = written.Except(stated, StringComparer.Ordinal).ToList();
        Assert.True(unwritten.Count == 0, "in the document, not (so) in API-REFERENCE.md:\n" + string.Join("\n", unwritten));
        Assert.True(unstated.Count == 0, "in API-REFERENCE.md, not (so) in the document:\n" + string.Join("\n", unstated));

        // The prose states the defaults that are not a parameter's: the analytics window, the aggregates.
        Assert.Contains("the last **30 days** before", reference, StringComparison.Ordinal);
        Assert.Contains("`avg`, `min`, `max`, `sum`, `count`, `last`", reference, StringComparison.Ordinal);
    }

    // One rule as API-REFERENCE.md's tables write it: where | field | type | min | max | accepted values | default | required.
    private static string Row(string where, string field, IOpenApiSchema schema, bool required)
    {
        var type = schema.Format == "date-time" ? "RFC 3339 time" : (schema.Type & ~JsonSchemaType.Null) switch
        {
            null or 0 => "any JSON",
            var t => t.ToString()!.ToLowerInvariant(),
        };
        var min = schema.MinLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? schema.Minimum ?? "";
        var max = schema.MaxLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? schema.Maximum ?? "";
        var values = string.Join(", ", schema.Enum?.Select(v => v.GetValue<string>()) ?? []);
        var fallback = schema.Default is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) ? text : schema.Default?.ToJsonString() ?? "";
        return string.Join(" | ", where, field, type, min, max, values, fallback, required ? "yes" : "");
    }

    private IEnumerable<(string Key, OpenApiOperation Operation)> Operations() =>
        document.Paths.SelectMany(p => (p.Value.Operations ?? []).Select(o => ($"{o.Key.Method} {p.Key}", o.Value)));

    // The HTTP contract: everything but the dashboard's pages and feeds, the API page and the document itself.
    private static bool Contract(string route)
    {
        var path = Split(route).Path;
        return !path.StartsWith("/dashboard", StringComparison.Ordinal) && !path.StartsWith("/scalar", StringComparison.Ordinal) && !path.StartsWith("/openapi/", StringComparison.Ordinal);
    }

    private static string Path(string? raw) => "/" + (raw ?? "").Trim('/');

    private static (string Method, string Path) Split(string key) => (key[..key.IndexOf(' ', StringComparison.Ordinal)], key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..]);

    // An id that names nothing: DELETE /api/keys/1 would revoke the admin key itself.
    private static string Concrete(string template) => template.Replace("{id}", "999999", StringComparison.Ordinal);

    // "GET /api/users/{id}" matches GET /api/users/abc?x=1; a literal segment wins over a parameter (/api/records/query).
    private bool Matches(string key, string method, string path)
    {
        var (documentedMethod, template) = Split(key);
        var segments = path.Split('?')[0].Trim('/').Split('/');
        var parts = template.Trim('/').Split('/');
        if (documentedMethod != method || segments.Length != parts.Length)
        {
            return false;
        }

        var literal = Operations().Any(o => o.Key == $"{method} /{string.Join('/', segments)}");
        return parts.Zip(segments).All(p => p.First == p.Second || (p.First.StartsWith('{') && !literal));
    }

    private static bool Mentions(IOpenApiSchema schema, string name) =>
        schema is OpenApiSchemaReference reference ? reference.Reference.Id == name : schema.Items is { } items && Mentions(items, name);
}
