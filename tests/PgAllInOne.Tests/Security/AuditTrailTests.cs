using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PgAllInOne.Tests.Http;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Security;

/// <summary>
/// The audit trail through real HTTP on a silo serving on the serving role: every audited action leaves one entry naming
/// the acting key, the client and the request; actions that change nothing leave none; GET /api/audit validates its
/// parameters and is for admins only.
/// </summary>
public sealed class AuditTrailTests(SharedSiloApp silo) : IClassFixture<SharedSiloApp>
{
    private readonly HttpClient admin = silo.App.Admin();

    [Fact]
    public async Task EveryAuditedAction_IsRecorded_WithTheActingKeyTheClientAndTheRequest()
    {
        var created = await Json(await admin.PostAsJsonAsync("/api/keys", new { name = "audit-writer", role = "writer" }));
        var writerId = created.GetProperty("id").GetInt64();
        using var writer = silo.App.Client(created.GetProperty("key").GetString());

        var record = $"audited-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await writer.PutAsJsonAsync($"/api/records/{record}", new { data = new { a = 1 } })).StatusCode);
        using var traced = new HttpRequestMessage(HttpMethod.Delete, $"/api/records/{record}");
        traced.Headers.TryAddWithoutValidation("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        Assert.Equal(HttpStatusCode.NoContent, (await writer.SendAsync(traced)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await writer.DeleteAsync($"/api/records/{record}")).StatusCode);

        var document = (await Json(await writer.PostAsJsonAsync("/api/documents", new { title = "t", content = "audited words" }))).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await writer.DeleteAsync($"/api/documents/{document}")).StatusCode);

        var user = (await Json(await writer.PostAsJsonAsync("/api/users", new { username = $"audit{Guid.NewGuid():N}"[..20], email = $"{Guid.NewGuid():N}@example.com" }))).GetProperty("id").GetInt64();
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/users/{user}/profile") { Content = new StringContent("""{"city":"Oslo"}""", Encoding.UTF8, "application/merge-patch+json") };
        Assert.Equal(HttpStatusCode.OK, (await writer.SendAsync(patch)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await writer.PostAsync("/api/analytics/cache/invalidate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{writerId}")).StatusCode);

        var entries = await Json(await admin.GetAsync("/api/audit?limit=1000"));
        JsonElement One(string action, string target) =>
            Assert.Single(entries.EnumerateArray(), e => e.GetProperty("action").GetString() == action && e.GetProperty("target").GetString() == target);

        var deleted = One("record.deleted", $"records/{record}");
        Assert.Equal(writerId, deleted.GetProperty("keyId").GetInt64());
        Assert.Equal("audit-writer", deleted.GetProperty("keyName").GetString());
        Assert.Equal("127.0.0.1", deleted.GetProperty("clientAddress").GetString());
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", deleted.GetProperty("requestId").GetString());
        Assert.Equal("audit-writer", One("document.deleted", $"documents/{document}").GetProperty("keyName").GetString());
        Assert.Equal("audit-writer", One("user.profile.replaced", $"users/{user}").GetProperty("keyName").GetString());
        Assert.Contains(entries.EnumerateArray(), e => e.GetProperty("action").GetString() == "analytics.cache.invalidated" && e.GetProperty("keyId").GetInt64() == writerId);
        var keyCreated = One("key.created", $"keys/{writerId}");
        var keyRevoked = One("key.revoked", $"keys/{writerId}");
        Assert.Equal("first admin", keyRevoked.GetProperty("keyName").GetString());
        Assert.True(keyRevoked.GetProperty("at").GetDateTimeOffset() >= keyCreated.GetProperty("at").GetDateTimeOffset());
        Assert.False(string.IsNullOrEmpty(keyCreated.GetProperty("requestId").GetString()));

        var times = entries.EnumerateArray().Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
    }

    [Fact]
    public async Task TheList_FiltersByActionAndTime_AndLimits()
    {
        for (var i = 0; i < 3; i++)
        {
            var record = $"filtered-{Guid.NewGuid():N}";
            await admin.PutAsJsonAsync($"/api/records/{record}", new { data = new { i } });
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/records/{record}")).StatusCode);
        }

        var two = await Json(await admin.GetAsync("/api/audit?action=record.deleted&limit=2"));
        Assert.Equal(2, two.GetArrayLength());
        Assert.All(two.EnumerateArray(), e => Assert.Equal("record.deleted", e.GetProperty("action").GetString()));

        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        Assert.Equal(0, (await Json(await admin.GetAsync($"/api/audit?from={future}"))).GetArrayLength());
        Assert.True((await Json(await admin.GetAsync($"/api/audit?to={future}&action=record.deleted"))).GetArrayLength() >= 3);
    }

    [Theory]
    [InlineData("/api/audit?limit=0", "limit")]
    [InlineData("/api/audit?limit=1001", "limit")]
    [InlineData("/api/audit?action=dropped.everything", "action")]
    [InlineData("/api/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    [InlineData("/api/audit?from=yesterday", "from")]
    public async Task BadParameters_AreProblemDetails(string path, string named) =>
        await HttpApiTests.ExpectProblemAsync(await admin.GetAsync(path), 400, named);

    [Fact]
    public async Task OnlyAdmins_ReadTheTrail()
    {
        var writer = await Json(await admin.PostAsJsonAsync("/api/keys", new { name = "not-an-auditor", role = "writer" }));
        using var http = silo.App.Client(writer.GetProperty("key").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/api/audit")).StatusCode);
        using var anonymous = silo.App.Client(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/audit")).StatusCode);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
