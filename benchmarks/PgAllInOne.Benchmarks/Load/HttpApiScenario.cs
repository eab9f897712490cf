using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>
/// The HTTP facade (the real silo, its own process, API key checked, rate limit raised out of the way) beside a bare
/// Kestrel JSON endpoint answering the same user document, driven the same way in the same run: GET /api/users/{id}
/// of active users, then single-event ingest (POST /api/users/{id}/events, acknowledged once durable).
/// </summary>
internal static class HttpApiScenario
{
    private const int Callers = 64;
    private const int Users = 64;

    public static async Task RunAsync(TimeSpan duration)
    {
        using var silo = await SiloUnderTest.StartAsync("http", Callers);
        var facade = silo.Http;
        var run = Guid.NewGuid().ToString("N")[..8];
        var ids = new long[Users];
        for (var i = 0; i < Users; i++)
        {
            var created = await facade.PostAsJsonAsync("/api/users", new { username = $"b{run}{i}", email = $"b{run}{i}@example.com", profile = new { plan = "team", seats = 12 } });
            ids[i] = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        }

        var document = await facade.GetStringAsync($"/api/users/{ids[0]}");
        await using var kestrel = await StartKestrelAsync(document);
        using var bare = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Callers }) { BaseAddress = new Uri(kestrel.Urls.First()) };

        async Task Get(HttpClient client, string path)
        {
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead);
            response.EnsureSuccessStatusCode();
        }

        Task Anchor(int caller) => Get(bare, $"/users/{ids[caller % Users]}");
        Task Facade(int caller) => Get(facade, $"/api/users/{ids[caller % Users]}");
        async Task Ingest(int caller)
        {
            using var response = await facade.PostAsJsonAsync($"/api/users/{ids[caller % Users]}/events", new { type = "click", data = new { page = "/home" } });
            response.EnsureSuccessStatusCode();
        }

        await LoadDriver.RunAsync("warm-up", Callers, TimeSpan.FromSeconds(2), Anchor);
        await LoadDriver.RunAsync("warm-up", Callers, TimeSpan.FromSeconds(5), Facade); // the silo is a fresh process: let its JIT tier up
        var anchor = await LoadDriver.RunAsync("bare Kestrel JSON endpoint, GET", Callers, duration, Anchor);
        var get = await LoadDriver.RunAsync("facade GET /api/users/{id}", Callers, duration, Facade);
        var ingest = await LoadDriver.RunAsync("facade POST /api/users/{id}/events (one event, durable)", Callers, duration, Ingest);

        Console.WriteLine();
        Console.WriteLine($"HTTP facade, {Callers} callers, loopback, {duration.TotalSeconds:F0} s per run");
        Console.WriteLine("| run | requests/s | p50 ms | p99 ms | requests |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var result in new[] { anchor, get, ingest })
        {
            Console.WriteLine(result);
        }

        Console.WriteLine($"facade GET / bare Kestrel: {get.RequestsPerSecond / anchor.RequestsPerSecond:F2} (target >= 0.60)");
    }

    private static async Task<WebApplication> StartKestrelAsync(string document)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        // The same user, serialized per request as the facade does.
        var user = JsonSerializer.Deserialize<AnchorUser>(document, JsonSerializerOptions.Web)!;
        app.MapGet("/users/{id:long}", (long id) => user with { Id = id });
        await app.StartAsync();
        return app;
    }

    private sealed record AnchorUser(long Id, string Username, string Email, JsonElement Profile, long EventCount, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
}
