using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PgAllInOne.Client;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>
/// Remote grain calls, client to silo over loopback with 64 callers, beside a bare Kestrel minimal-API JSON endpoint
/// driven the same way in the same run: peak rate, then p50/p99 at half of each one's peak.
/// </summary>
internal static class RemoteCallScenario
{
    private const int Callers = 64;

    public static async Task RunAsync(TimeSpan duration)
    {
        await using var silo = BenchmarkSilo.Start();
        var clientOptions = new ClusterClientOptions { ConnectionString = BenchmarkPostgres.ConnectionString };
        clientOptions.InterfaceAssemblies.Add(typeof(IAdderGrain).Assembly);
        await using var client = await ClusterClient.ConnectAsync(clientOptions);
        var grains = Enumerable.Range(0, Callers).Select(i => client.GetGrain<IAdderGrain>($"remote-{i}")).ToArray();

        await using var kestrel = await StartKestrelAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Callers }) { BaseAddress = new Uri(kestrel.Urls.First()) };

        Task Grain(int caller) => grains[caller].Add(1);
        async Task Http(int caller)
        {
            using var response = await http.PostAsJsonAsync("/add", new AddRequest(caller, 1));
            response.EnsureSuccessStatusCode();
            await response.Content.ReadFromJsonAsync<AddResponse>();
        }

        // Warm both paths (JIT, connections) before measuring.
        await LoadDriver.RunAsync("warm-up", Callers, TimeSpan.FromSeconds(2), Grain);
        await LoadDriver.RunAsync("warm-up", Callers, TimeSpan.FromSeconds(2), Http);

        var httpPeak = await LoadDriver.RunAsync("Kestrel JSON endpoint, peak", Callers, duration, Http);
        var grainPeak = await LoadDriver.RunAsync("remote grain call, peak", Callers, duration, Grain);
        var httpHalf = await LoadDriver.RunAsync("Kestrel JSON endpoint, half of its peak", Callers, duration, Http, httpPeak.RequestsPerSecond / 2);
        var grainHalf = await LoadDriver.RunAsync("remote grain call, half of its peak", Callers, duration, Grain, grainPeak.RequestsPerSecond / 2);

        Console.WriteLine();
        Console.WriteLine($"Remote calls, {Callers} callers, loopback, {duration.TotalSeconds:F0} s per run");
        Console.WriteLine("| run | requests/s | p50 ms | p99 ms | requests |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var result in new[] { httpPeak, grainPeak, httpHalf, grainHalf })
        {
            Console.WriteLine(result);
        }

        Console.WriteLine($"grain / HTTP peak rate: {grainPeak.RequestsPerSecond / httpPeak.RequestsPerSecond:F2}x (target >= 2x); grain p99 at half load: {grainHalf.P99Ms:F3} ms (target < 2 ms)");
    }

    private static async Task<WebApplication> StartKestrelAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var totals = new long[Callers];
        app.MapPost("/add", (AddRequest request) => new AddResponse(Interlocked.Add(ref totals[request.Caller % Callers], request.Amount)));
        await app.StartAsync();
        return app;
    }
}

internal sealed record AddRequest(int Caller, int Amount);

internal sealed record AddResponse(long Total);
