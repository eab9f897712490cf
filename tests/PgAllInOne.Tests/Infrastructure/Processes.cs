using System.Diagnostics;

namespace PgAllInOne.Tests.Infrastructure;

public static partial class Processes
{
    /// <summary>Waits for a process to end; the postmaster removes its pid file just before it exits.</summary>
    public static Task ExitedAsync(int pid) => Eventually.TrueAsync(() => !IsRunning(pid), $"process {pid} to exit", TimeSpan.FromSeconds(10));

    /// <summary>
    /// Reads both redirected output streams line by line as they come, so that the child never blocks on a full pipe,
    /// and hands each line to <paramref name="keep"/>.
    /// </summary>
    public static Process ReadingLines(this Process process, Action<string> keep)
    {
        process.OutputDataReceived += (_, line) => KeepLine(line.Data);
        process.ErrorDataReceived += (_, line) => KeepLine(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void KeepLine(string? line)
        {
            if (line is not null)
            {
                keep(line);
            }
        }
    }

    /// <summary>Starts <c>dotnet {assembly}</c> from the test output folder with redirected output.</summary>
    public static Process StartDotnet(string assembly, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(System.IO.Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }
}
