using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Observability;

/// <summary>Debian's headless Chromium (never a downloaded one), and what the dashboard tests share.</summary>
internal static class DashboardBrowser
{
    public const string Chromium = "/usr/bin/chromium";

    public const string CookieName = "pgaio_dashboard";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });

    /// <summary>Collects every request that goes anywhere but 127.0.0.1 (data: and blob: URLs load nothing).</summary>
    public static List<string> WatchForOutsideRequests(IPage page)
    {
        var outside = new List<string>();
        page.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            if (url.Scheme is not ("data" or "blob") && url.Host != "127.0.0.1")
            {
                lock (outside)
                {
                    outside.Add(request.Url);
                }
            }
        };
        return outside;
    }

    /// <summary>Collects what the browser refused under a page's Content-Security-Policy.</summary>
    public static List<string> WatchForPolicyViolations(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (violations)
                {
                    violations.Add(message.Text);
                }
            }
        };
        return violations;
    }

    /// <summary>Every URL the browser requested, fragment dropped: what a server could have seen.</summary>
    public static List<string> WatchRequestedUrls(IPage page)
    {
        var urls = new List<string>();
        page.Request += (_, request) =>
        {
            lock (urls)
            {
                urls.Add(new Uri(request.Url).GetLeftPart(UriPartial.Query));
            }
        };
        return urls;
    }

    public static async Task<(long Id, string Key)> CreateKeyAsync(SiloApp app, string role)
    {
        using var admin = app.Admin();
        var response = await admin.PostAsJsonAsync("/api/keys", new { name = $"dashboard {role}", role });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("id").GetInt64(), created.GetProperty("key").GetString()!);
    }

    /// <summary>A client that sends exactly the headers given: no cookie jar, no redirects followed.</summary>
    public static HttpClient RawClient(SiloApp app, string? cookie = null, string? bearer = null)
    {
        var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        if (cookie is not null)
        {
            http.DefaultRequestHeaders.Add("Cookie", $"{CookieName}={cookie}");
        }

        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return http;
    }

    public static string SaveScreenshotPath(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
