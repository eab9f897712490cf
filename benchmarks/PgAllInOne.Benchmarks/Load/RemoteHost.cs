using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>
/// The server side of the remote-calls scenario, a process of its own: a silo on our configuration (AddPgAllInOne,
/// UseSiloEndpoints, ports from the command line) holding the benchmark grains, and the bare Kestrel JSON endpoint of
/// the anchor. Each is idle while the other is measured. Prints one line with the HTTP address when both are ready and
/// runs until its standard input closes.
/// </summary>
internal static class RemoteHost
{
    public const int Slots = 64;

    public static async Task RunAsync(string[] args)
    {
        await using var silo = BenchmarkSilo.Start(args: args);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        var totals = new long[Slots];
        app.MapPost("/add", (AddRequest request) => new AddResponse(Interlocked.Add(ref totals[request.Caller % Slots], request.Amount)));
        await app.StartAsync();
        Console.WriteLine($"ready {app.Urls.First()}");
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
    }
}

internal sealed record AddRequest(int Caller, int Amount);

internal sealed record AddResponse(long Total);
