using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>
/// Remote grain calls: Orleans' cluster client (AddPgAllInOneClient, one static gateway) in this process calling a silo
/// on our configuration in another process over loopback with 64 callers (one grain each), beside a bare Kestrel
/// minimal-API JSON endpoint in that same other process driven by 64 HttpClient callers, in the same run: peak rate
/// (closed loop), then p50/p99 at half of each one's own peak (open loop).
/// </summary>
internal static class RemoteCallScenario
{
    private const int Callers = 64;

    public static async Task RunAsync(TimeSpan duration)
    {
        var gatewayPort = FreePort();
        var clusterId = $"remote-{Environment.ProcessId}";
        using var server = StartHost(clusterId, FreePort(), gatewayPort);
        var ready = await server.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The remote host ended before it was ready.");
        var httpUrl = ready.Split(' ')[1];
        try
        {
            await using var client = await BenchmarkClient.ConnectAsync($"127.0.0.1:{gatewayPort}", clusterId);
            var grains = Enumerable.Range(0, Callers).Select(i => client.Grains.GetGrain<IAdderGrain>($"remote-{i}")).ToArray();
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Callers }) { BaseAddress = new Uri(httpUrl) };

            Task Grain(int caller) => grains[caller].Add(1);
            async Task Http(int caller)
            {
                using var response = await http.PostAsJsonAsync("/add", new AddRequest(caller, 1));
                response.EnsureSuccessStatusCode();
                await response.Content.ReadFromJsonAsync<AddResponse>();
            }

            // Warm both paths (JIT in both processes, connections) before measuring.
            await LoadDriver.RunAsync("warm-up", Callers, TimeSpan.FromSeconds(3), Grain);
            await LoadDriver.RunAsync("warm-up", Callers, TimeSpan.FromSeconds(3), Http);

            var httpPeak = await LoadDriver.RunAsync("Kestrel JSON endpoint, peak", Callers, duration, Http);
            var grainPeak = await LoadDriver.RunAsync("remote grain call, peak", Callers, duration, Grain);
            var httpHalf = await LoadDriver.RunAsync("Kestrel JSON endpoint, half of its peak", Callers, duration, Http, httpPeak.RequestsPerSecond / 2);
            var grainHalf = await LoadDriver.RunAsync("remote grain call, half of its peak", Callers, duration, Grain, grainPeak.RequestsPerSecond / 2);

            Console.WriteLine();
            Console.WriteLine($"Remote calls, {Callers} callers, client and server in two processes, loopback, {duration.TotalSeconds:F0} s per run");
            Console.WriteLine("| run | requests/s | p50 ms | p99 ms | requests |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            foreach (var result in new[] { httpPeak, grainPeak, httpHalf, grainHalf })
            {
                Console.WriteLine(result);
            }

            Console.WriteLine($"grain / HTTP peak rate: {grainPeak.RequestsPerSecond / httpPeak.RequestsPerSecond:F2}x (target >= 3x); grain p99 at half of peak: {grainHalf.P99Ms:F3} ms (target < 2 ms)");
        }
        finally
        {
            server.StandardInput.Close();
            if (!server.WaitForExit(15_000))
            {
                server.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The remote host process; <paramref name="settings"/> are more <c>--Key=value</c> arguments (its TLS files, say).</summary>
    internal static Process StartHost(string clusterId, int siloPort, int gatewayPort, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardInput = true };
        string[] arguments =
        [
            typeof(RemoteCallScenario).Assembly.Location, "remote-host",
            $"--ConnectionStrings:Postgres={BenchmarkPostgres.ConnectionString}", $"--Silo:Port={siloPort}", $"--Silo:GatewayPort={gatewayPort}",
            $"--Silo:ClusterId={clusterId}",
            .. settings,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_gcServer"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the remote host.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
