using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Cluster;

/// <summary>A real silo process (PgAllInOne.Silo.dll) on a given PostgreSQL, with its own HTTP, silo and gateway ports.</summary>
public sealed class SiloProcess : IDisposable
{
    private readonly TempFolder folder = new("pgaio-cluster");
    private readonly ConcurrentQueue<string> output = new();
    private readonly string logLevel;
    private readonly string[] settings;
    private Process process;

    private SiloProcess(string connectionString, int httpPort, int siloPort, int gatewayPort, string logLevel, string[] settings)
    {
        ConnectionString = connectionString;
        (HttpPort, SiloPort, GatewayPort) = (httpPort, siloPort, gatewayPort);
        (this.logLevel, this.settings) = (logLevel, settings);
        process = Start();
    }

    public string ConnectionString { get; }

    public int HttpPort { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public bool IsRunning => !process.HasExited;

    /// <summary>The first admin key, if this silo was the one to create it.</summary>
    public string? AdminKey => File.Exists(Path.Combine(folder.Path, "admin.key")) ? File.ReadAllText(Path.Combine(folder.Path, "admin.key")).Trim() : null;

    public HttpClient Http(string? key = null, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = timeout ?? TimeSpan.FromSeconds(35) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    /// <summary>What the silo has printed so far (standard output and error), line by line.</summary>
    public IReadOnlyList<string> Output => [.. output];

    public static SiloProcess Start(string connectionString) => new(connectionString, Ports.Free(), Ports.Free(), Ports.Free(), "Warning", []);

    /// <summary>A silo that logs from <paramref name="logLevel"/> up, with more settings (<c>--Key=value</c>) on its command line.</summary>
    public static SiloProcess Start(string connectionString, string logLevel, params string[] settings) =>
        new(connectionString, Ports.Free(), Ports.Free(), Ports.Free(), logLevel, settings);

    /// <summary>The silo's resident memory (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    public async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(2) };
        var lastAnswer = "nothing";
        try
        {
            // A bound for a silo that never gets ready, not a measure: started from the suite's lower-priority lane, a
            // silo shares that priority with the lane while the timed tests have the CPU.
            await Eventually.TrueAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"The silo on :{HttpPort} exited with {process.ExitCode}; its log:\n{string.Join('\n', Output.TakeLast(30))}");
                    }

                    try
                    {
                        using var response = await http.GetAsync("/readyz");
                        lastAnswer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                        return response.StatusCode == HttpStatusCode.OK;
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                    {
                        lastAnswer = exception.Message;
                        return false;
                    }
                },
                $"silo on :{HttpPort} to be ready",
                TimeSpan.FromSeconds(180));
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}; /readyz last answered: {lastAnswer}; its log:\n{string.Join('\n', Output.TakeLast(30))}", timeout);
        }
    }

    /// <summary>kill -9: no goodbye, nothing flushed; the others find out by probing.</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as an orchestrator stops a pod; waits for the exit.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-15", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    /// <summary>Starts the silo again on the same ports.</summary>
    public void Restart()
    {
        process.Dispose();
        process = Start();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
        folder.Dispose();
    }

    private Process Start()
    {
        var silo = Processes.StartDotnet(
            "PgAllInOne.Silo.dll",
            new Dictionary<string, string> { ["Logging__LogLevel__Default"] = logLevel },
            [
                $"--ConnectionStrings:Postgres={ConnectionString}",
                $"--Urls=http://127.0.0.1:{HttpPort}",
                $"--Silo:Port={SiloPort}",
                $"--Silo:GatewayPort={GatewayPort}",
                $"--Silo:DataDirectory={folder.Path}",
                .. settings,
            ]);

        // Kept for the tests that read the log.
        return silo.ReadingLines(Keep);
    }

    private void Keep(string line)
    {
        output.Enqueue(line);
        while (output.Count > 20_000 && output.TryDequeue(out _))
        {
            // the oldest lines go: a long run under load must not grow the test's memory without end
        }
    }
}
