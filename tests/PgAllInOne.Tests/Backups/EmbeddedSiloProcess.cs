using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Backups;

/// <summary>A real silo process on the embedded default: its own PostgreSQL in <see cref="DataDirectory"/>.</summary>
public sealed class EmbeddedSiloProcess : IDisposable
{
    private readonly ConcurrentQueue<string> output = new();
    private readonly Process process;
    private string lastAnswer = "nothing";

    public EmbeddedSiloProcess(string dataDirectory, params string[] settings)
    {
        DataDirectory = dataDirectory;
        HttpPort = Ports.Free();
        process = Processes.StartDotnet(
            "PgAllInOne.Silo.dll",
            new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning", ["Logging__LogLevel__PgAllInOne.Postgres.Backups"] = "Information", ["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information" },
            [
                $"--Urls=http://127.0.0.1:{HttpPort}",
                $"--Silo:Port={Ports.Free()}",
                $"--Silo:GatewayPort={Ports.Free()}",
                $"--Silo:DataDirectory={dataDirectory}",
                .. settings,
            ]);
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string DataDirectory { get; }

    public int HttpPort { get; }

    /// <summary>The silo's own process (the PostgreSQL programs it runs are its children).</summary>
    public int ProcessId => process.Id;

    public IReadOnlyList<string> Output => [.. output];

    public HttpClient Http()
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(40) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(Path.Combine(DataDirectory, "admin.key")).Trim());
        return http;
    }

    public async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            await WaitAsync(http);
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}; /readyz last answered: {lastAnswer}; its log:\n{string.Join('\n', output.TakeLast(30))}", timeout);
        }
    }

    // A bound for a silo that never gets ready, not a measure: in the suite's lower-priority lane on two busy cores a
    // silo and its PostgreSQL can take minutes to start.
    private Task WaitAsync(HttpClient http) =>
        Eventually.TrueAsync(
            async () =>
            {
                Assert.False(process.HasExited, $"the silo exited with {(process.HasExited ? process.ExitCode : 0)}:\n{string.Join('\n', output.TakeLast(40))}");
                try
                {
                    using var response = await http.GetAsync("/readyz");
                    lastAnswer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    return response.StatusCode == HttpStatusCode.OK && File.Exists(Path.Combine(DataDirectory, "admin.key"));
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    lastAnswer = exception.Message;
                    return false;
                }
            },
            $"silo on :{HttpPort} to be ready",
            TimeSpan.FromSeconds(180));

    /// <summary>kill -9 of the silo and of its PostgreSQL (the postmaster; its children follow it).</summary>
    public async Task KillWithPostgresAsync()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postgres", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        process.Kill(entireProcessTree: true);
        using (var kill = Process.Start("kill", ["-9", postmaster.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync();
        await Processes.ExitedAsync(postmaster);
    }

    public async Task TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-15", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        await process.WaitForExitAsync(timeout.Token);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }
}
