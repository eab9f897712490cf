using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Observability;

/// <summary>The dashboard in a real headless Chromium (Debian's), on a two-silo cluster under load.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DashboardBrowserTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task TheDashboard_ShowsBothSilos_AndItsCallChartsMove_UnderLoad()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var first = await SiloApp.StartAsync(database);
        await using var second = await SiloApp.StartAsync(database);

        using var load = new CancellationTokenSource();
        var traffic = Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            using var http = (worker % 2 == 0 ? first : second).Client(first.AdminKey); // the cluster's one admin key
            var user = await (await http.PostAsJsonAsync("/api/users", new { username = $"load{worker}", email = $"load{worker}@example.com" }, load.Token)).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(load.Token);
            var id = user.GetProperty("id").GetInt64();
            while (!load.IsCancellationRequested)
            {
                await http.PostAsJsonAsync($"/api/users/{id}/events", new { type = "click" }, CancellationToken.None);
                await http.GetAsync($"/api/users/{id}", CancellationToken.None);
            }
        })));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var outside = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(first.BaseAddress.ToString(), StringComparison.Ordinal))
            {
                outside.Add(request.Url);
            }
        };

        await page.GotoAsync(new Uri(first.BaseAddress, "/dashboard#key=" + first.AdminKey).ToString());

        // Both silos listed as active, then the chart gains points and shows calls.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#silos tbody tr')].filter(r => r.children[2].textContent === 'active').length === 2", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        var before = int.Parse(await page.GetAttributeAsync("#calls-chart", "data-points") ?? "0", CultureInfo.InvariantCulture);
        await page.WaitForFunctionAsync($"() => Number(document.querySelector('#calls-chart').dataset.points) >= {before + 3} && Number(document.querySelector('#calls-chart').dataset.last) > 0", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#methods tbody tr').length > 0 && document.querySelectorAll('#partitions tbody tr').length > 0", null, new PageWaitForFunctionOptions { Timeout = 15_000 });

        Assert.Empty(outside);
        Assert.DoesNotContain("key=", page.Url, StringComparison.Ordinal);
        Assert.Contains("IUserGrain/RecordEvents", await page.InnerTextAsync("#methods"), StringComparison.Ordinal);
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(folder);
        var screenshot = Path.Combine(folder, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");

        await load.CancelAsync();
        await traffic;
    }

    [Fact]
    public async Task WithoutAKey_TheDashboardAsksForOne_AndHoldsNoData()
    {
        await using var app = await SiloApp.StartAsync(await postgres.CreateDatabaseAsync());
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(app.BaseAddress, "/dashboard").ToString());
        Assert.True(await page.IsVisibleAsync("#login"));
        await page.FillAsync("#key", "pgaio_wrong");
        await page.ClickAsync("#login button");
        await page.WaitForFunctionAsync("() => document.querySelector('#error').textContent.includes('401')");

        await page.FillAsync("#key", app.AdminKey);
        await page.ClickAsync("#login button");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#silos tbody tr').length === 1", null, new PageWaitForFunctionOptions { Timeout = 15_000 });
    }
}
