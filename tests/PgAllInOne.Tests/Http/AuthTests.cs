using System.Net;
using System.Net.Http.Json;
using PgAllInOne.Tests.Infrastructure;
using static PgAllInOne.Tests.Http.HttpApiTests;

namespace PgAllInOne.Tests.Http;

/// <summary>
/// API keys: the first admin key, roles on every endpoint, key management on every silo, rate limits. One silo for the
/// class (its tests one after another, each with keys of its own); the rate limit has a silo of its own.
/// </summary>
public sealed class AuthTests(SharedSiloApp shared, PostgresFixture postgres) : IClassFixture<SharedSiloApp>, IClassFixture<PostgresFixture>
{
    // Every endpoint of API.md with the weakest role that may call it.
    private static readonly (string Method, string Path, string? Body, string Role)[] Endpoints =
    [
        ("POST", "/api/users", """{"username":"carol","email":"carol@example.com"}""", "writer"),
        ("GET", "/api/users/1", null, "reader"),
        ("PATCH", "/api/users/1/profile", """{"a":1}""", "writer"),
        ("POST", "/api/users/1/events", """{"type":"t"}""", "writer"),
        ("GET", "/api/users/1/events", null, "reader"),
        ("POST", "/api/devices/d1/metrics", """[{"metric":"m","value":1}]""", "writer"),
        ("GET", "/api/devices/d1/latest", null, "reader"),
        ("GET", "/api/devices/d1/metrics?metric=m", null, "reader"),
        ("POST", "/api/documents", """{"title":"t","content":"c"}""", "writer"),
        ("GET", "/api/documents/1", null, "reader"),
        ("PUT", "/api/documents/1", """{"title":"t","content":"c"}""", "writer"),
        ("DELETE", "/api/documents/1", null, "writer"),
        ("GET", "/api/search?q=t", null, "reader"),
        ("GET", "/api/analytics/events", null, "reader"),
        ("GET", "/api/analytics/metrics?metric=m", null, "reader"),
        ("POST", "/api/analytics/cache/invalidate", null, "writer"),
        ("PUT", "/api/records/r1", """{"data":{"a":1}}""", "writer"),
        ("GET", "/api/records/r1", null, "reader"),
        ("DELETE", "/api/records/r1", null, "writer"),
        ("POST", "/api/records/query", "{}", "writer"),
        ("GET", "/api/cluster", null, "reader"),
        ("POST", "/api/keys", """{"name":"k","role":"reader"}""", "admin"),
        ("GET", "/api/keys", null, "admin"),
        ("DELETE", "/api/keys/999", null, "admin"),
        ("GET", "/api/archive", null, "admin"),
        ("POST", "/api/archive/2026-01-01/attach", null, "admin"),
    ];

    private static readonly string[] Roles = ["reader", "writer", "admin"];

    private readonly string database = shared.Database;
    private readonly SiloApp app = shared.App;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void TheFirstStart_WritesAnAdminKey_ReadableByItsOwnerOnly()
    {
        var file = Path.Combine(app.DataDirectory, "admin.key");
        Assert.StartsWith("pgaio_", app.AdminKey, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public async Task EveryEndpoint_WantsAKey_AndRefusesWeakerRoles()
    {
        using var admin = app.Admin();
        var keys = new Dictionary<string, string> { ["admin"] = app.AdminKey };
        foreach (var role in new[] { "reader", "writer" })
        {
            keys[role] = (await Json(await admin.PostAsJsonAsync("/api/keys", new { name = role, role }))).GetProperty("key").GetString()!;
        }

        foreach (var (method, path, body, role) in Endpoints)
        {
            using (var anonymous = app.Client(null))
            {
                await ExpectProblemAsync(await SendAsync(anonymous, method, path, body), 401, "API key");
            }

            using (var wrong = app.Client("pgaio_not-a-key"))
            {
                await ExpectProblemAsync(await SendAsync(wrong, method, path, body), 401, "unknown");
            }

            foreach (var held in Roles)
            {
                using var client = app.Client(keys[held]);
                var response = await SendAsync(client, method, path, body);
                if (Array.IndexOf(Roles, held) < Array.IndexOf(Roles, role))
                {
                    await ExpectProblemAsync(response, 403, held);
                }
                else
                {
                    Assert.True(
                        response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && (int)response.StatusCode < 500,
                        $"{method} {path} with a {held} key: {(int)response.StatusCode}");
                }
            }
        }
    }

    [Fact]
    public async Task RevokedKeys_StopWorking_OnEverySilo()
    {
        await using var other = await SiloApp.StartAsync(database);
        using var admin = app.Admin();
        var created = await Json(await admin.PostAsJsonAsync("/api/keys", new { name = "temp", role = "writer" }));
        var key = created.GetProperty("key").GetString()!;
        using var elsewhere = other.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/api/cluster")).StatusCode);
        Assert.Contains("temp", (await admin.GetStringAsync("/api/keys")), StringComparison.Ordinal);
        Assert.DoesNotContain(key, (await admin.GetStringAsync("/api/keys")), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{created.GetProperty("id").GetInt64()}")).StatusCode);

        using var here = app.Client(key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await here.GetAsync("/api/cluster")).StatusCode);
        await Eventually.TrueAsync(
            async () => (await elsewhere.GetAsync("/api/cluster")).StatusCode == HttpStatusCode.Unauthorized,
            "the other silo to refuse the revoked key",
            TimeSpan.FromSeconds(1));
        Assert.False(File.Exists(Path.Combine(other.DataDirectory, "admin.key")), "only the first start writes an admin key");
        await ExpectProblemAsync(await admin.PostAsJsonAsync("/api/keys", new { name = "k", role = "root" }), 400, "role");
    }

    [Fact]
    public async Task AKeyOverItsRate_GetsTooManyRequests_WithRetryAfter()
    {
        await using var limited = await SiloApp.StartAsync(await postgres.CreateDatabaseAsync(), new Dictionary<string, string?> { ["Api:RateLimitPerSecond"] = "3", ["Api:RateLimitBurst"] = "3" });
        using var client = limited.Admin();

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 10; i++)
        {
            responses.Add(await client.GetAsync("/api/cluster"));
        }

        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(refused.Count, 4, 7);
        Assert.All(refused, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
        await ExpectProblemAsync(refused[0], 429, "per second");
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Body(body) };
        return client.SendAsync(request);
    }
}
