using System.CommandLine;
using PgAllInOne.Cli.Commands;
using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli;

/// <summary>The <c>pgaio</c> command line, runnable in-process: output goes to the given console and error writer.</summary>
public static class PgaioCli
{
    /// <summary>Runs with the process environment.</summary>
    public static Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(args, console, error, Environment.GetEnvironmentVariable, cancellationToken);

    /// <summary>
    /// Runs with the given environment lookup. A caller passing a cancellable token owns cancellation; otherwise Ctrl+C and
    /// SIGTERM cancel the token the commands get, and they stop and report what was done.
    /// </summary>
    public static async Task<int> RunAsync(
        string[] args, IAnsiConsole console, TextWriter error, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var options = new GlobalOptions();
        var host = new CommandHost(options, console, ErrorWriter.For(error), environment);
        var root = new RootCommand("pgaio: the PgAllInOne cluster from the command line, over its HTTP facade");
        foreach (var option in options.All)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(StatusCommand.Create(host));
        root.Subcommands.Add(new Command("users", "Create and read users") { UsersCreateCommand.Create(host), UsersGetCommand.Create(host) });
        root.Subcommands.Add(SearchCommand.Create(host));
        root.Subcommands.Add(new Command("analytics", "Aggregates over events and metrics, through the query cache")
        {
            AnalyticsEventsCommand.Create(host),
            AnalyticsMetricsCommand.Create(host),
        });
        root.Subcommands.Add(new Command("import", "Bulk imports") { ImportDocumentsCommand.Create(host) });
        root.Subcommands.Add(new Command("load", "Load generators: write for a while, then report throughput and latency")
        {
            LoadEventsCommand.Create(host),
            LoadMetricsCommand.Create(host),
        });

        root.Subcommands.Add(new Command("backup", "Base backups of the cluster's PostgreSQL (Backup:Directory on the silo)")
        {
            BackupCreateCommand.Create(host),
            BackupListCommand.Create(host),
        });
        root.Subcommands.Add(new Command("archive", "Metric days archived to Parquet files (Metrics:ArchiveAfter on the silos)")
        {
            ArchiveListCommand.Create(host),
            ArchiveAttachCommand.Create(host),
        });
        root.Subcommands.Add(RestoreCommand.Create(options, console, ErrorWriter.For(error)));

        var invocation = new InvocationConfiguration
        {
            Output = console.Profile.Out.Writer,
            Error = error,
            ProcessTerminationTimeout = cancellationToken.CanBeCanceled ? null : TimeSpan.FromSeconds(5),
        };
        return await root.Parse(args).InvokeAsync(invocation, cancellationToken);
    }
}
