using System.CommandLine;
using System.Globalization;
using PgAllInOne.Cli.Output;
using PgAllInOne.Postgres.Backups;
using Spectre.Console;

namespace PgAllInOne.Cli.Commands;

/// <summary>
/// <c>pgaio restore --backup-dir DIR --data-dir NEW (--latest | --to-time T | --to-name N)</c>: builds a new silo data
/// folder from a backup directory alone (no silo, no server needed), with a progress display; a silo started with
/// <c>--Silo:DataDirectory=NEW</c> then serves it. Refusals (folder not empty, time outside the window, broken backup)
/// are one line on standard error and exit code 1, with nothing touched.
/// </summary>
public static class RestoreCommand
{
    public static Command Create(GlobalOptions options, IAnsiConsole console, ErrorWriter errors)
    {
        var backupDirectory = new Option<string>("--backup-dir") { Description = "The backup directory (the silo's Backup:Directory)", Required = true };
        var latest = new Option<bool>("--latest") { Description = "Everything the backup directory holds (with Backup:Synchronous=true: every acknowledged write)" };
        var toTime = new Option<string?>("--to-time") { Description = "An RFC 3339 time within the restorable window (pgaio backup list): the writes committed up to it" };
        var toName = new Option<string?>("--to-name") { Description = "A restore point set with POST /api/backups/restore-points" };
        var command = new Command("restore", "Build a new data folder (--data-dir, which must be empty) from a backup directory, up to a point; a silo started with --Silo:DataDirectory=<it> serves it")
        {
            backupDirectory, latest, toTime, toName,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                var target = Target(parseResult.GetValue(latest), parseResult.GetValue(toTime), parseResult.GetValue(toName));
                var data = parseResult.GetValue(options.DataDirectory) ?? throw new CliUsageException("--data-dir names the new data folder to restore into.");
                if (OperatingSystem.IsWindows())
                {
                    throw new CliUsageException("pgaio restore builds a data folder for the embedded PostgreSQL, which runs on Linux and macOS.");
                }

                var result = await RestoreAsync(console, parseResult.GetValue(backupDirectory)!, data, target, cancellationToken);
                console.MarkupLine($"restored base backup [bold]{Markup.Escape(result.BaseBackupId)}[/] up to {Markup.Escape(target.ToString())} into {Markup.Escape(Path.GetFullPath(data))}");
                if (result.StoppedAt is { } stoppedAt)
                {
                    console.MarkupLine($"PostgreSQL: {Markup.Escape(stoppedAt)}");
                }

                var took = result.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                console.MarkupLine(result.OfEmbeddedServer
                    ? $"took {took} s; serve it with: --Silo:DataDirectory={Markup.Escape(Path.GetFullPath(data))}"
                    : $"took {took} s; a backup of another server than a silo's own: start PostgreSQL on it with pg_ctl -D {Markup.Escape(result.ClusterDirectory)} start (as the postgres account)");
                return 0;
            }
            catch (Exception exception) when (exception is BackupException or CliUsageException)
            {
                errors.Error(exception.Message);
                return CommandHost.Failed;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                errors.Error("cancelled; nothing of the restore was kept");
                return 130;
            }
        });
        return command;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static Task<RestoreResult> RestoreAsync(IAnsiConsole console, string backupDirectory, string data, RestoreTarget target, CancellationToken cancellationToken)
    {
        var restore = new BackupRestore(BackupTool.Find());
        return WithProgressAsync(console, progress => restore.RunAsync(backupDirectory, data, target, progress, cancellationToken));
    }

    private static RestoreTarget Target(bool latest, string? time, string? name)
    {
        if ((latest ? 1 : 0) + (time is null ? 0 : 1) + (name is null ? 0 : 1) != 1)
        {
            throw new CliUsageException("give exactly one of --latest, --to-time or --to-name.");
        }

        if (time is not null)
        {
            return DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) && time.Contains('T', StringComparison.OrdinalIgnoreCase)
                ? RestoreTarget.At(at)
                : throw new CliUsageException($"--to-time '{time}' is not an RFC 3339 time such as 2026-12-07T09:30:00Z.");
        }

        return name is not null ? RestoreTarget.Named(name) : RestoreTarget.Latest;
    }

    // A live bar on a terminal; one line per step when the output is piped or redirected.
    private static async Task<RestoreResult> WithProgressAsync(IAnsiConsole console, Func<IProgress<RestoreProgress>, Task<RestoreResult>> restore)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            string? step = null;
            return await restore(new Progress(update =>
            {
                if (update.Step != step)
                {
                    step = update.Step;
                    console.WriteLine(update.Step + " ...");
                }
            }));
        }

        return await console.Progress().AutoClear(false).StartAsync(async context =>
        {
            ProgressTask? task = null;
            return await restore(new Progress(update =>
            {
                if (task is null || task.Description != update.Step)
                {
                    task?.Value(task.MaxValue);
                    task?.StopTask();
                    task = context.AddTask(update.Step, maxValue: 1);
                    task.IsIndeterminate = update.Fraction is null;
                }

                if (update.Fraction is { } fraction)
                {
                    task.Value(fraction);
                }
            }));
        });
    }

    // Reports on the caller's thread at once (System.Progress would post them later, out of order with the output).
    private sealed class Progress(Action<RestoreProgress> report) : IProgress<RestoreProgress>
    {
        public void Report(RestoreProgress value) => report(value);
    }
}
