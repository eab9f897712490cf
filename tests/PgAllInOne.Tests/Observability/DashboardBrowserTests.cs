using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;
using static PgAllInOne.Tests.Observability.DashboardBrowser;

namespace PgAllInOne.Tests.Observability;

/// <summary>Orleans' dashboard and our PostgreSQL view in a real headless Chromium (Debian's), behind the key page.</summary>
[Trait("Category", "EndToEnd")]
public sealed class DashboardBrowserTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static readonly PageWaitForFunctionOptions Patiently = new() { Timeout = 30_000 };

    [Fact]
    public async Task AKeyLink_OpensOrleansDashboard_WhichShowsBothSilosUnderLoad_AndLoadsNothingFromOutside()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var first = await SiloApp.StartAsync(database);
        await using var second = await SiloApp.StartAsync(database);
        var (_, writer) = await CreateKeyAsync(first, "writer"); // the load has its own key: its rate limit is not the dashboard's

        using var load = new CancellationTokenSource();
        var traffic = Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            using var http = (worker % 2 == 0 ? first : second).Client(writer);
            var user = await (await http.PostAsJsonAsync("/api/users", new { username = $"load{worker}", email = $"load{worker}@example.com" }, load.Token)).Content.ReadFromJsonAsync<JsonElement>(load.Token);
            var id = user.GetProperty("id").GetInt64();
            while (!load.IsCancellationRequested)
            {
                await http.PostAsJsonAsync($"/api/users/{id}/events", new { type = "click" }, CancellationToken.None);
                await http.GetAsync($"/api/users/{id}", CancellationToken.None);
            }
        })));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        var outside = WatchForOutsideRequests(page);
        var requested = WatchRequestedUrls(page);
        var violations = WatchForPolicyViolations(page);

        await page.GotoAsync(new Uri(first.BaseAddress, "/dashboard#key=" + first.AdminKey).ToString());

        // The key page exchanged the fragment for a session and went on to Orleans' dashboard: its overview counts both silos.
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('.info-box')].some(b => b.querySelector('.info-box-text')?.textContent === 'Active Silos' && b.querySelector('.info-box-number')?.textContent === '2')",
            null,
            Patiently);
        Assert.Equal(new Uri(first.BaseAddress, "/dashboard/").ToString(), new Uri(page.Url).GetLeftPart(UriPartial.Path));
        Assert.DoesNotContain("key=", page.Url, StringComparison.Ordinal);
        await WaitShowingAsync(page, "() => document.querySelector('#content').innerText.includes('RecordEvents')"); // the load's calls

        // Its silo page's health table (one row per silo, beside the silo map) lists both silos as active, at the addresses our own cluster API reports.
        await page.ClickAsync("#menu a[href='#/silos']");
        await WaitShowingAsync(
            page,
            "() => [...document.querySelectorAll('#content table tr')].filter(r => r.querySelector(\":scope > td > a[href^='#/host/']\") && r.querySelector(':scope > td > .label-success')?.textContent === 'Active').length === 2");
        var listed = await page.EvalOnSelectorAllAsync<string[]>("#content table tr > td > a[href^='#/host/']", "links => links.map(a => a.textContent)");
        using (var admin = first.Admin())
        {
            var cluster = await admin.GetFromJsonAsync<JsonElement>("/api/cluster");
            var endpoints = cluster.GetProperty("silos").EnumerateArray().Where(s => s.GetProperty("status").GetString() == "active").Select(s => s.GetProperty("endpoint").GetString()!).ToList();
            Assert.Equal(2, endpoints.Count);
            Assert.All(endpoints, endpoint => Assert.Contains(listed, silo => silo.StartsWith(endpoint, StringComparison.Ordinal)));
        }

        var screenshot = SaveScreenshotPath("dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");

        // The session is a protected cookie the page's script cannot read; the key went in no URL and is not the cookie.
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == CookieName);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(first.AdminKey, cookie.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(requested, url => url.Contains(first.AdminKey, StringComparison.Ordinal));
        Assert.Empty(outside);
        Assert.Empty(violations); // Orleans' dashboard runs whole under its CSP

        await load.CancelAsync();
        await traffic;
    }

    /// <summary>Waits for a condition of the page; on a timeout, shows what the page held instead and keeps a screenshot.</summary>
    private async Task WaitShowingAsync(IPage page, string condition)
    {
        try
        {
            await page.WaitForFunctionAsync(condition, null, Patiently);
        }
        catch (TimeoutException)
        {
            output.WriteLine(await page.InnerHTMLAsync("#content"));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = SaveScreenshotPath("dashboard-failed.png"), FullPage = true });
            throw;
        }
    }

    [Fact]
    public async Task TheKeyPage_Refuses_AWrongKey_AndOpensASession_ForAReaderKey_WhichItsRevocationEnds()
    {
        await using var app = await SiloApp.StartAsync(await postgres.CreateDatabaseAsync());
        var (readerId, reader) = await CreateKeyAsync(app, "reader");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var outside = WatchForOutsideRequests(page);

        // Without a session the dashboard sends a browser to the key page.
        var keyPage = await page.GotoAsync(new Uri(app.BaseAddress, "/dashboard/").ToString());
        Assert.Equal("/dashboard/login", new Uri(page.Url).AbsolutePath);
        var policy = keyPage!.Headers["content-security-policy"];
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);

        await page.FillAsync("#key", "pgaio_wrong");
        await page.ClickAsync("#login button");
        await page.WaitForFunctionAsync("() => document.querySelector('#error').textContent.includes('401')");
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == CookieName);

        await page.FillAsync("#key", reader);
        await page.ClickAsync("#login button");
        await page.WaitForFunctionAsync("() => document.querySelector(\"#menu a[href='#/silos']\") !== null", null, Patiently);
        Assert.Equal("/dashboard/", new Uri(page.Url).AbsolutePath);
        var session = Assert.Single(await context.CookiesAsync(), c => c.Name == CookieName).Value;

        // The PostgreSQL view opens for a reader too, but shows it no audit trail (the admins' alone).
        await page.GotoAsync(new Uri(app.BaseAddress, "/dashboard/database").ToString());
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#partitions tbody tr').length > 0", null, Patiently);
        Assert.Equal("shown to an admin key's session only", (await page.InnerTextAsync("#audit tbody")).Trim());
        Assert.Empty(outside);

        // The session and a bearer reader key open Orleans' JSON API; nothing, a wrong key or a wrong cookie do not.
        using (var withSession = RawClient(app, cookie: session))
        {
            Assert.Equal(HttpStatusCode.OK, (await withSession.GetAsync("/dashboard/DashboardCounters")).StatusCode);
        }

        using (var anonymous = RawClient(app))
        {
            var refused = await anonymous.GetAsync("/dashboard/DashboardCounters");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/index.min.js")).StatusCode);
        }

        using (var bearer = RawClient(app, bearer: reader))
        {
            Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/dashboard/DashboardCounters")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/dashboard/ClusterStats")).StatusCode);
            var orleansPage = await bearer.GetAsync("/dashboard/");
            Assert.Equal(HttpStatusCode.OK, orleansPage.StatusCode);
            Assert.Contains("default-src 'self'", orleansPage.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }

        using (var wrongBearer = RawClient(app, bearer: "pgaio_wrong"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrongBearer.GetAsync("/dashboard/DashboardCounters")).StatusCode);
        }

        using (var forged = RawClient(app, cookie: "CfDJ8forged"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/dashboard/DashboardCounters")).StatusCode);
        }

        // Revoking the key ends its session at once: the JSON API refuses the cookie and the browser is back on the key page.
        using (var admin = app.Admin())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{readerId}")).StatusCode);
        }

        using (var revoked = RawClient(app, cookie: session))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/dashboard/DashboardCounters")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/dashboard/database")).StatusCode);
        }

        await page.GotoAsync(new Uri(app.BaseAddress, "/dashboard/").ToString());
        Assert.Equal("/dashboard/login", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task TheKeyExchange_TakesJsonOrAForm_AndSetsAnHttpOnlyStrictCookie_WithoutTheKey()
    {
        await using var app = await SiloApp.StartAsync(await postgres.CreateDatabaseAsync());
        using var http = RawClient(app);

        var wrong = await http.PostAsync("/dashboard/session", new FormUrlEncodedContent([new("key", "pgaio_wrong")]));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/dashboard/session", new StringContent("{", System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        using (var elsewhere = new HttpRequestMessage(HttpMethod.Post, "/dashboard/session") { Content = JsonContent.Create(new { key = app.AdminKey }) })
        {
            elsewhere.Headers.Add("Origin", "http://evil.example");
            var refused = await http.SendAsync(elsewhere);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.False(refused.Headers.Contains("Set-Cookie"));
        }

        foreach (var body in new HttpContent[] { new FormUrlEncodedContent([new("key", app.AdminKey)]), JsonContent.Create(new { key = app.AdminKey }) })
        {
            var opened = await http.PostAsync("/dashboard/session", body);
            Assert.Equal(HttpStatusCode.NoContent, opened.StatusCode);
            var setCookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"), c => c.StartsWith(CookieName + "=", StringComparison.Ordinal));
            Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(app.AdminKey, Uri.UnescapeDataString(setCookie), StringComparison.Ordinal);
        }

        // A page load without a session goes to the key page (the fragment of a #key= link survives the redirects).
        using var browserLike = RawClient(app);
        browserLike.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        var redirected = await browserLike.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.Equal("/dashboard/login", redirected.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task ThePostgresView_AndItsJson_WorkWithTheSessionCookie_AndShowAnAdminTheAuditTrail()
    {
        await using var app = await SiloApp.StartAsync(await postgres.CreateDatabaseAsync());
        using (var admin = app.Admin())
        {
            // One miss, then one hit of the query cache, for the view's hit ratio. The range is explicit: an open one
            // ends at the next whole minute, and two requests either side of a minute are two cache entries.
            for (var i = 0; i < 2; i++)
            {
                (await admin.GetAsync("/api/analytics/events?groupBy=type&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z")).EnsureSuccessStatusCode();
            }
        }

        // Audited actions by a second admin key, whose name the view must show: it creates a key and revokes it.
        var (auditorId, auditor) = await CreateKeyAsync(app, "admin");
        var (_, reader) = await CreateKeyAsync(app, "reader");
        long revokedId;
        using (var acting = app.Client(auditor))
        {
            var created = await acting.PostAsJsonAsync("/api/keys", new { name = "short-lived", role = "writer" });
            created.EnsureSuccessStatusCode();
            revokedId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            Assert.Equal(HttpStatusCode.NoContent, (await acting.DeleteAsync($"/api/keys/{revokedId}")).StatusCode);
        }

        var actor = $"dashboard admin (#{auditorId})";

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var outside = WatchForOutsideRequests(page);
        var violations = WatchForPolicyViolations(page);

        // A #key= link to the view itself comes back to it through the key page.
        await page.GotoAsync(new Uri(app.BaseAddress, "/dashboard/database#key=" + app.AdminKey).ToString());
        await page.WaitForFunctionAsync("() => location.pathname === '/dashboard/database' && document.querySelectorAll('#partitions tbody tr').length > 0 && document.querySelectorAll('#connections tbody tr').length > 0", null, Patiently);
        Assert.DoesNotContain("key=", page.Url, StringComparison.Ordinal);
        Assert.Contains("/", await page.InnerTextAsync("#cache-counts"), StringComparison.Ordinal);
        Assert.EndsWith("%", (await page.InnerTextAsync("#cache-ratio")).Trim(), StringComparison.Ordinal);
        Assert.Contains("events", await page.InnerTextAsync("#partitions"), StringComparison.Ordinal);

        // The audit trail, newest first: the revocation, then the creation, each by the acting key from this machine.
        var auditRows = await page.EvalOnSelectorAllAsync<string[][]>("#audit tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))");
        Assert.Equal(["key.revoked", $"keys/{revokedId}", actor, "127.0.0.1"], auditRows[0][1..5]);
        Assert.Equal(["key.created", $"keys/{revokedId}", actor, "127.0.0.1"], auditRows[1][1..5]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", auditRows[0][0]);
        Assert.NotEqual("–", auditRows[0][5]); // the request's trace id (the JSON's, below)
        // Before them: the reader and the acting key, by the first admin; first of all that key itself, by the silo.
        Assert.Equal(5, auditRows.Length);
        Assert.Equal(["key.created", "silo", "–"], new[] { auditRows[4][1], auditRows[4][3], auditRows[4][4] });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = SaveScreenshotPath("dashboard-database.png"), FullPage = true });

        // The page's own CSP: no inline script or style but its own, no requests elsewhere.
        var reload = await page.ReloadAsync();
        var policy = reload!.Headers["content-security-policy"];
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);

        var session = Assert.Single(await context.CookiesAsync(), c => c.Name == CookieName).Value;
        using (var withSession = RawClient(app, cookie: session))
        {
            var data = await withSession.GetFromJsonAsync<JsonElement>("/api/dashboard/database");
            Assert.True(data.GetProperty("connections").GetArrayLength() > 0);
            Assert.True(data.GetProperty("partitions").GetArrayLength() > 0);
            var cache = data.GetProperty("cache");
            Assert.True(cache.GetProperty("hits").GetInt64() >= 1);
            Assert.True(cache.GetProperty("misses").GetInt64() >= 1);
            Assert.InRange(cache.GetProperty("hitRatio").GetDouble(), 0.0, 1.0);
            Assert.Equal(HttpStatusCode.OK, (await withSession.GetAsync("/dashboard/database")).StatusCode);

            // The JSON holds the same entries as GET /api/audit, with every field of each.
            var audit = data.GetProperty("audit").EnumerateArray().ToList();
            using var admin = app.Admin();
            var listed = await admin.GetFromJsonAsync<JsonElement>("/api/audit");
            Assert.Equal(listed.EnumerateArray().Select(e => e.GetRawText()), audit.Select(e => e.GetRawText()));
            var revocation = audit[0];
            Assert.Equal("key.revoked", revocation.GetProperty("action").GetString());
            Assert.Equal($"keys/{revokedId}", revocation.GetProperty("target").GetString());
            Assert.Equal(auditorId, revocation.GetProperty("keyId").GetInt64());
            Assert.Equal("dashboard admin", revocation.GetProperty("keyName").GetString());
            Assert.Equal("127.0.0.1", revocation.GetProperty("clientAddress").GetString());
            Assert.Equal(auditRows[0][5], revocation.GetProperty("requestId").GetString());
        }

        // The trail is the admins' (as GET /api/audit is): a reader key sees the rest of the view, not the trail.
        using (var readerClient = RawClient(app, bearer: reader))
        {
            var data = await readerClient.GetFromJsonAsync<JsonElement>("/api/dashboard/database");
            Assert.True(data.GetProperty("partitions").GetArrayLength() > 0);
            Assert.Equal(JsonValueKind.Null, data.GetProperty("audit").ValueKind);
            Assert.Equal(HttpStatusCode.Forbidden, (await readerClient.GetAsync("/api/audit")).StatusCode);
        }

        using (var anonymous = RawClient(app))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/dashboard/database")).StatusCode);
        }

        Assert.Empty(outside);
        Assert.Empty(violations);
    }
}
