using System.Net;
using Microsoft.Playwright;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;
using static PgAllInOne.Tests.Observability.DashboardBrowser;

namespace PgAllInOne.Tests.Http;

/// <summary>Scalar's page for the OpenAPI document in a real headless Chromium (Debian's), reached from the dashboard's key page.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ApiPageTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static readonly PageWaitForFunctionOptions Patiently = new() { Timeout = 30_000 };

    [Fact]
    public async Task TheKeyPageLinksTheApiPage_WhichRendersTheOperations_WithoutAKey_AndLoadsEverythingFromTheSilo()
    {
        await using var app = await SiloApp.StartAsync(await postgres.CreateDatabaseAsync());
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        var outside = WatchForOutsideRequests(page);
        var requested = WatchRequestedUrls(page);
        var violations = WatchForPolicyViolations(page);
        var failed = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                lock (failed)
                {
                    failed.Add($"{response.Status} {response.Url}");
                }
            }
        };

        // A browser without a session lands on the key page, whose link opens the API page: no key, no session.
        await page.GotoAsync(new Uri(app.BaseAddress, "/dashboard/").ToString());
        Assert.Equal("/dashboard/login", new Uri(page.Url).AbsolutePath);
        var opened = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("a[href='/scalar/']"), response => new Uri(response.Url).AbsolutePath == "/scalar/");
        await page.WaitForURLAsync(new Uri(app.BaseAddress, "/scalar/").ToString());
        Assert.Equal(HttpStatusCode.OK, (HttpStatusCode)opened.Status);
        Assert.Equal("/scalar/", new Uri(page.Url).AbsolutePath);
        Assert.Contains("default-src 'self'", opened.Headers["content-security-policy"], StringComparison.Ordinal);

        // Scalar fetched the OpenAPI document and rendered its operations: the first group's open, every group is in
        // the sidebar, and opening one shows its operations.
        await WaitShowingAsync(page, "() => document.body.innerText.includes('/api/search')");
        var sidebar = page.Locator("aside[aria-label^='Sidebar']");
        foreach (var group in new[] { "users", "devices", "documents", "analytics", "records", "cluster", "keys" })
        {
            Assert.True(await sidebar.Locator($"a[href='#tag/{group}']").CountAsync() == 1, $"no group {group} in the sidebar");
        }

        await sidebar.Locator("a[href='#tag/users']").ClickAsync();
        await WaitShowingAsync(page, "() => ['/api/users', '/api/users/{id}/events'].every(p => document.body.innerText.includes(p))");

        Assert.Equal("PgAllInOne HTTP API", await page.TitleAsync());
        var screenshot = SaveScreenshotPath("api-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        output.WriteLine($"screenshot: {screenshot}");

        lock (requested)
        {
            output.WriteLine(string.Join('\n', requested));
            Assert.Contains(new Uri(app.BaseAddress, "/scalar/scalar.js").ToString(), requested);
            Assert.Contains(new Uri(app.BaseAddress, "/openapi/v1.json").ToString(), requested);
            Assert.All(requested, url => Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal));
        }

        Assert.Empty(outside);
        Assert.Empty(violations);
        Assert.Empty(failed);
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == CookieName);
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
            output.WriteLine(await page.InnerTextAsync("body"));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = SaveScreenshotPath("api-page-failed.png"), FullPage = true });
            throw;
        }
    }
}
