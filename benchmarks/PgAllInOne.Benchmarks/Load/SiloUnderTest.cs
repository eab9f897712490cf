using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>
/// The real silo in its own process on the benchmark's PostgreSQL, as a deployment runs it (API key checked), with the
/// per-key rate limit raised out of the way of the load; a client of its HTTP facade with the first admin key.
/// </summary>
internal sealed class SiloUnderTest : IDisposable
{
    private readonly Process process;

    private SiloUnderTest(Process process, HttpClient http) => (this.process, Http) = (process, http);

    public HttpClient Http { get; }

    public static async Task<SiloUnderTest> StartAsync(string name, int connections)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pgaio-bench-{name}-{Environment.ProcessId}");
        var port = FreePort();
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "PgAllInOne.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd('/')) ?? throw new InvalidOperationException("Run from the repository.");
        }

        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in new[]
        {
            Path.Combine(root, "silo/PgAllInOne.Silo/bin/Release/net10.0/PgAllInOne.Silo.dll"),
            $"--ConnectionStrings:Postgres={BenchmarkPostgres.ConnectionString}", $"--Urls=http://127.0.0.1:{port}", "--Silo:Port=0", "--Silo:GatewayPort=0",
            $"--Silo:ClusterId={name}-{Environment.ProcessId}", $"--Silo:DataDirectory={folder}", "--Api:RateLimitPerSecond=10000000", "--Api:RateLimitBurst=10000000",
            "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var silo = new SiloUnderTest(process, http);
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode && File.Exists(Path.Combine(folder, "admin.key")))
                {
                    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Path.Combine(folder, "admin.key"))).Trim());
                    return silo;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        silo.Dispose();
        throw new TimeoutException("The silo did not become ready.");
    }

    /// <summary>A field of the silo's /proc status (VmRSS in kB, Threads), as a number.</summary>
    public long ProcStatus(string field)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
        Http.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
