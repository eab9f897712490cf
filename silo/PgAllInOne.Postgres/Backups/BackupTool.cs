using System.Diagnostics;

namespace PgAllInOne.Postgres.Backups;

/// <summary>What a PostgreSQL program printed and how it ended.</summary>
public sealed record ToolResult(int ExitCode, string Output, string Error)
{
    /// <summary>The last line the program wrote on standard error (its error message), or its exit code.</summary>
    public string Reason => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"exit code {ExitCode}";
}

/// <summary>Runs PostgreSQL's own client programs (pg_basebackup, pg_receivewal, pg_verifybackup, pg_waldump) from the machine's binaries.</summary>
public sealed class BackupTool(string binDirectory)
{
    public string BinDirectory { get; } = binDirectory;

    /// <summary>The binaries of the server the embedded default uses (PATH first, then the newest /usr/lib/postgresql/*/bin).</summary>
    public static BackupTool Find() =>
        new(EmbeddedPostgres.FindBinDirectory() ?? throw new BackupException(
            "No PostgreSQL binaries (pg_basebackup, pg_receivewal) were found on PATH or under /usr/lib/postgresql/*/bin; install the PostgreSQL server package."));

    /// <summary>Starts a program whose output is read line by line as it comes (pg_receivewal runs for as long as it streams).</summary>
    public Process Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = Describe(program, arguments, environment);
        return Process.Start(start) ?? throw new BackupException($"Could not start {program}.");
    }

    public async Task<ToolResult> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        using var process = Start(program, arguments, environment);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // A stopping silo does not leave a half-taken backup running behind it.
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ToolResult(process.ExitCode, await output, await error);
    }

    private ProcessStartInfo Describe(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(Path.Combine(BinDirectory, program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Times in pg_waldump's output are read as UTC; messages are read in English.
        start.Environment["TZ"] = "UTC";
        start.Environment["LC_MESSAGES"] = "C";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }
}
