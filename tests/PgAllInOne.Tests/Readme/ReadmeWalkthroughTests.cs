using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Readme;

/// <summary>
/// Runs the README's shell commands as a new user would, in the order given, from the repository root, on the embedded
/// default: the silo commands with <c>dotnet run</c>, the curl and pgaio commands with bash. Three things differ, so that
/// the test can run beside others on a shared machine: the README's ports are replaced by free ones (and the defaults
/// moved there with PGAIO__ variables), "the repository root" is a fresh <see cref="RepositoryMirror"/> (so its
/// <c>./data</c> starts empty and the real repository's is left alone), and curl fails on an HTTP error (a
/// <c>.curlrc</c> with <c>--fail</c>). test.sh makes that mirror and builds it before the tests start
/// (<c>PGAIO_README_REPOSITORY</c>); run alone, the test makes one itself and <c>dotnet run</c> builds it from nothing.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class ReadmeWalkthroughTests(ITestOutputHelper output) : IDisposable
{
    private const string SiloCommand = "dotnet run -c Release --project silo/PgAllInOne.Silo";

    // Commands of the walk-through that a test cannot take: the test suite itself and a browser.
    private static readonly string[] NotRun = ["./test.sh", "xdg-open "];

    // The mirror test.sh made and built, its ./data still empty; null when the test runs without test.sh.
    private static readonly string? Prepared =
        System.Environment.GetEnvironmentVariable("PGAIO_README_REPOSITORY") is { Length: > 0 } prepared && !Directory.Exists(Path.Combine(prepared, "data")) ? prepared : null;

    private readonly TempFolder home = new("pgaio-readme");
    private readonly List<ShellProcess> silos = [];
    private readonly Dictionary<string, string> ports = new(StringComparer.Ordinal);

    public void Dispose()
    {
        silos.ForEach(s => s.Dispose());
        StopLeftoverPostgres();
        home.Dispose();
    }

    [Fact]
    public async Task TheReadmeCommands_WorkAsWritten_InTheirOrder_FromTheRepositoryRoot()
    {
        var root = Prepared ?? Path.Combine(home.Path, "repository");
        if (Prepared is null)
        {
            RepositoryMirror.Create(RepositoryRoot(), root);
        }

        var blocks = ReadmeBlock.Read(await File.ReadAllTextAsync(Path.Combine(root, "README.md")), "## Calling grains from a .NET app");
        var commands = blocks.SelectMany(b => b.Commands).ToList();
        Assert.Equal(NotRun, commands.Where(c => NotRun.Any(n => c.StartsWith(n, StringComparison.Ordinal))).Select(c => NotRun.First(n => c.StartsWith(n, StringComparison.Ordinal))));
        Assert.Equal(2, commands.Count(c => c.StartsWith(SiloCommand, StringComparison.Ordinal)));
        Assert.Contains(commands, c => c.Contains("PgAllInOne.Cli -- status", StringComparison.Ordinal));
        var environment = Environment();
        var printed = new List<string>();

        foreach (var block in blocks)
        {
            var script = block.Commands.Where(c => !NotRun.Any(n => c.StartsWith(n, StringComparison.Ordinal))).Select(Localize).ToList();
            if (script.Count == 0)
            {
                continue;
            }

            if (script[0].StartsWith(SiloCommand, StringComparison.Ordinal))
            {
                Assert.Single(script);
                await StartSiloAsync(script[0], root, environment);
                continue;
            }

            using var shell = ShellProcess.Start("set -euo pipefail\n" + string.Join('\n', script), root, environment);
            var exitCode = await shell.WaitAsync(TimeSpan.FromMinutes(10)); // the CLI is built by its first command
            output.WriteLine($"--- {block.Section}\n{string.Join('\n', script)}\n--- exit {exitCode}\n{string.Join('\n', shell.Output)}");
            Assert.True(exitCode == 0, $"the README's commands under '{block.Section}' failed with {exitCode}:\n{string.Join('\n', shell.Output)}");
            printed.AddRange(shell.Output);
        }

        var text = string.Join('\n', printed);
        Assert.Contains("\"username\":\"alice\"", text, StringComparison.Ordinal);
        Assert.Equal(2 + 2, ActiveRow().Count(text)); // status, then status --all from the second silo: two active silos each
        for (var i = silos.Count - 1; i >= 0; i--)
        {
            Assert.Equal(0, await silos[i].TerminateAsync(TimeSpan.FromSeconds(60)));
        }

        Assert.True(File.Exists(Path.Combine(root, "data", "admin.key")), "the first silo wrote its admin key to ./data of the folder it was started from");
        Assert.Empty(Directory.GetFiles(Path.Combine(root, "data"), "postmaster.pid", SearchOption.AllDirectories)); // the first silo stopped its PostgreSQL
    }

    private async Task StartSiloAsync(string command, string root, Dictionary<string, string> environment)
    {
        var silo = ShellProcess.Start("exec " + command, root, environment);
        silos.Add(silo);
        var port = UrlsPort().Match(command) is { Success: true } urls ? urls.Groups[1].Value : ports["8080"];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(
            async () =>
            {
                Assert.False(silo.HasExited, $"'{command}' exited:\n{string.Join('\n', silo.Output)}");
                try
                {
                    return (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/readyz"))).StatusCode == HttpStatusCode.OK;
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            },
            $"'{command}' to be ready",
            // dotnet run builds first: in a mirror of the test's own, the silo and its projects from nothing (it has no bin
            // or obj), in the suite's lower-priority lane while the timed tests have the CPU; 3–7 min on two busy cores.
            TimeSpan.FromMinutes(10));
    }

    // The README's ports, each replaced by a free one.
    private string Localize(string command) =>
        ReadmePort().Replace(command, m => ports[m.Value]);

    private Dictionary<string, string> Environment()
    {
        foreach (var port in new[] { "8080", "8081", "11111", "11112", "30000", "30001" })
        {
            ports[port] = Ports.Free().ToString(CultureInfo.InvariantCulture);
        }

        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(home.Path, "curl")).FullName, ".curlrc"), "--fail\n--silent\n--show-error\n");
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CURL_HOME"] = Path.Combine(home.Path, "curl"),
            ["PGAIO__Urls"] = $"http://127.0.0.1:{ports["8080"]}",
            ["PGAIO__Silo__Port"] = ports["11111"],
            ["PGAIO__Silo__GatewayPort"] = ports["30000"],
            ["PGAIO_URL"] = $"http://127.0.0.1:{ports["8080"]}",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",

            // No MSBuild nodes left running after the test. The compiler server stays allowed: the test run's own build
            // started it, and a warm compiler compiles in a fraction of the CPU a cold one takes on every project.
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        };
    }

    private void StopLeftoverPostgres()
    {
        // Only under the mirror's ./data: the rest of the mirror holds links into the real repository.
        var data = Path.Combine(Prepared ?? Path.Combine(home.Path, "repository"), "data");
        foreach (var pidFile in Directory.Exists(data) ? Directory.GetFiles(data, "postmaster.pid", SearchOption.AllDirectories) : [])
        {
            try
            {
                var pid = File.ReadLines(pidFile).First();
                using var kill = System.Diagnostics.Process.Start("kill", ["-INT", pid]);
                kill.WaitForExit();
            }
            catch (IOException)
            {
                // Already gone.
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "PgAllInOne.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (PgAllInOne.sln) was not found above the test's folder.");
    }

    [GeneratedRegex(@"\b(8080|8081|11111|11112|30000|30001)\b")]
    private static partial Regex ReadmePort();

    [GeneratedRegex(@"--Urls=http://127\.0\.0\.1:(\d+)")]
    private static partial Regex UrlsPort();

    [GeneratedRegex(@"[│|]\s*active\s*[│|]")]
    private static partial Regex ActiveRow();
}
