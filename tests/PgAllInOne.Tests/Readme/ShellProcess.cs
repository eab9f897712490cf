using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Readme;

/// <summary>A README command run by bash in a folder with an environment of its own, its output kept line by line.</summary>
public sealed class ShellProcess : IDisposable
{
    private readonly ConcurrentQueue<string> output = new();
    private readonly Process process;

    private ShellProcess(string script, string folder, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash", ["-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };

        // The test host runs under dotnet test: MSBuild's own variables would steer the README's dotnet run.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        process = Process.Start(start)!.ReadingLines(output.Enqueue);
    }

    public IReadOnlyList<string> Output => [.. output];

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public static ShellProcess Start(string script, string folder, IReadOnlyDictionary<string, string> environment) => new(script, folder, environment);

    /// <summary>Waits for the end; fails the test if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"still running after {timeout}:\n{string.Join('\n', Output)}");
        }

        process.WaitForExit(); // the last output lines
        return process.ExitCode;
    }

    /// <summary>
    /// SIGTERM to what the command started (dotnet run's child is the silo), as Ctrl+C would stop it; dotnet run then
    /// exits with the silo's exit code, which this returns.
    /// </summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        foreach (var pid in Tree(process.Id).Skip(1).Reverse())
        {
            using var kill = Process.Start("kill", ["-15", pid.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        return await WaitAsync(timeout);
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

    // The process and its descendants, parents first.
    private static List<int> Tree(int root)
    {
        var found = new List<int> { root };
        for (var i = 0; i < found.Count; i++)
        {
            try
            {
                foreach (var thread in Directory.GetDirectories($"/proc/{found[i]}/task"))
                {
                    var children = File.ReadAllText(Path.Combine(thread, "children"));
                    found.AddRange(children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)));
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }

        return found;
    }
}
