using System.Security;
using PgAllInOne.Tests.Deployment;
using PgAllInOne.Tests.Readme;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// A local NuGet feed of packages packed from the repository, and the dotnet commands that pack into it and install or
/// build from it, run as a user runs them: by bash, from the repository root.
/// </summary>
public static class DotnetFeed
{
    /// <summary>The NuGet cache of this machine, where the solution's restore put the packages it uses.</summary>
    public static string MachineCache { get; } = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
        ? packages
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>
    /// The configuration this test run was built in (bin/&lt;configuration&gt;/net10.0): packing with <c>--no-build</c>
    /// takes that build's output rather than compiling the same sources again.
    /// </summary>
    public static string BuildConfiguration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>
    /// <c>nuget.config</c> in <paramref name="folder"/> whose only source is <paramref name="feed"/>. Packages the machine's
    /// cache holds (Orleans, Npgsql, ...) are read from there, as a fallback folder, so that nothing is downloaded.
    /// </summary>
    public static void WriteConfig(string folder, string feed)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{SecurityElement.Escape(feed)}" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{SecurityElement.Escape(MachineCache)}" />
              </fallbackPackageFolders>
            </configuration>
            """);
    }

    /// <summary>Runs <paramref name="commands"/> in order from the repository root; fails the test with their output when one fails.</summary>
    public static async Task<string> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] commands)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",

            // No MSBuild nodes left running after the test. The compiler server stays allowed: the test run's own build
            // started it, and a warm compiler compiles in a fraction of the CPU a cold one takes on every project.
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            settings[name] = value;
        }

        using var shell = ShellProcess.Start("set -euo pipefail\n" + string.Join('\n', commands), DeploymentFiles.Root, settings);
        var exitCode = await shell.WaitAsync(TimeSpan.FromMinutes(10));
        var output = string.Join('\n', shell.Output);
        Assert.True(exitCode == 0, $"exit {exitCode} from:\n{string.Join('\n', commands)}\n---\n{output}");
        return output;
    }
}
