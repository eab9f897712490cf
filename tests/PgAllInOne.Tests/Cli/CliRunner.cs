using System.Globalization;
using System.Text.RegularExpressions;
using PgAllInOne.Cli;
using PgAllInOne.Tests.Infrastructure;
using Spectre.Console;

namespace PgAllInOne.Tests.Cli;

/// <summary>What one in-process run of pgaio printed and returned.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>The number in a summary row such as "rows │ 42" (Unicode or ASCII borders alike).</summary>
    public long Measure(string name)
    {
        var match = Regex.Match(Output, $@"[│|]\s*{Regex.Escape(name)}\s*[│|]\s*(\d+)\s*[│|]");
        Assert.True(match.Success, $"no '{name}' row in:\n{Output}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs the CLI in-process against a console writing plain text to a string, with an environment of its own.</summary>
public static class CliRunner
{
    /// <summary>Runs with the silo's URL and admin key unless the arguments bring their own.</summary>
    public static Task<CliRun> RunAsync(SiloApp app, params string[] args) =>
        RunRawAsync(["--url", app.BaseAddress.ToString(), "--key", app.AdminKey, .. args]);

    public static async Task<CliRun> RunRawAsync(
        string[] args, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.No,
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 250; // wide enough that no table wraps a value the tests look for
        // A cancellable token keeps the CLI from hooking the test host's own Ctrl+C and SIGTERM handling.
        using var never = new CancellationTokenSource();
        var token = cancellationToken.CanBeCanceled ? cancellationToken : never.Token;
        var exitCode = await PgaioCli.RunAsync(args, console, error, name => environment?.GetValueOrDefault(name), token);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}
