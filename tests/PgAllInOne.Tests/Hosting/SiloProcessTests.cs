using System.Diagnostics;
using System.Net;

using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Hosting;

/// <summary>The silo as a user runs it: its own process, the embedded default, SIGTERM to stop.</summary>
[Trait("Category", "EndToEnd")]
public sealed class SiloProcessTests : IDisposable
{
    private const int SigTerm = 15;
    private readonly TempFolder temp = new("pgaio-silo");

    private string Folder => temp.Path;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task TheSiloOnItsEmbeddedDefault_BecomesReady_AndOnSigtermStopsItsPostgres()
    {
        var port = Ports.Free();
        using var silo = StartSilo(null, $"--Urls=http://127.0.0.1:{port}", $"--Silo:DataDirectory={Folder}", "--Silo:Port=0");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await WaitForAsync(async () => (await TryGetAsync(http, "/readyz")) == HttpStatusCode.OK, silo, TimeSpan.FromSeconds(90));
        Assert.Equal(HttpStatusCode.OK, await TryGetAsync(http, "/healthz"));
        var pidFile = Directory.GetFiles(Folder, "postmaster.pid", SearchOption.AllDirectories).Single();
        var postmaster = int.Parse(File.ReadLines(pidFile).First(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(0, Kill(silo.Id, SigTerm));
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await silo.WaitForExitAsync(exited.Token);

        Assert.Equal(0, silo.ExitCode);
        Assert.False(File.Exists(pidFile), "the embedded PostgreSQL should be stopped with the silo");
        await Processes.ExitedAsync(postmaster);
    }

    [Theory]
    [InlineData("command line")]
    [InlineData("PGAIO__ environment variable")]
    public async Task AnInvalidSetting_StopsTheSiloWithAMessageNamingTheKey(string source)
    {
        var environment = source == "command line" ? null : new Dictionary<string, string> { ["PGAIO__Silo__Port"] = "70000" };
        string[] arguments = [$"--Urls=http://127.0.0.1:{Ports.Free()}", $"--Silo:DataDirectory={Folder}"];
        using var silo = StartSilo(environment, environment is null ? [.. arguments, "--Silo:Port=70000"] : arguments);
        var output = silo.StandardOutput.ReadToEndAsync();
        var errors = silo.StandardError.ReadToEndAsync();
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await silo.WaitForExitAsync(exited.Token);

        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains("Silo:Port must be between 0 and 65535", await output + await errors, StringComparison.Ordinal);
    }

    private static Process StartSilo(Dictionary<string, string>? environment, params string[] arguments) =>
        Processes.StartDotnet("PgAllInOne.Silo.dll", environment, arguments);

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return (await http.GetAsync(path)).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, Process silo, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (silo.HasExited)
            {
                Assert.Fail($"the silo exited early: {await silo.StandardError.ReadToEndAsync()}");
            }

            Assert.True(DateTime.UtcNow < deadline, "the silo did not become ready in time");
            await Task.Delay(200);
        }
    }

    private static int Kill(int pid, int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
