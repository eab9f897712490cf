using System.CommandLine;
using System.Globalization;
using PgAllInOne.Api.Contracts.Backups;
using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli.Commands;

/// <summary><c>pgaio backup list</c>: base backups, the restorable window and the restore points (GET /api/backups).</summary>
public static class BackupListCommand
{
    public static Command Create(CommandHost host)
    {
        var command = new Command("list", "Base backups (id, started, finished, size, verified), the restorable window and the named restore points");
        host.SetAction(command, async (_, context, cancellationToken) =>
        {
            Render(context.Console, await context.Client.ListBackupsAsync(cancellationToken));
            return 0;
        });
        return command;
    }

    public static void Render(IAnsiConsole console, BackupList list)
    {
        var backups = new Table().Title("base backups").AddColumns("id", "started", "finished", "size MB", "verified");
        backups.Columns[3].RightAligned();
        foreach (var backup in list.Backups)
        {
            backups.AddRow(
                Markup.Escape(backup.Id),
                Time(backup.Started),
                backup.Finished is { } finished ? Time(finished) : backup.Id == list.Running ? "[yellow]running[/]" : "-",
                Format.Megabytes(backup.SizeBytes),
                backup.Verified ? "[green]yes[/]" : "[red]no[/]");
        }

        console.Write(backups);
        console.MarkupLine(list.Window.Earliest is { } earliest && list.Window.Latest is { } latest
            ? $"restorable window: {Time(earliest)} .. {Time(latest)}"
            : "restorable window: none yet (no verified base backup)");
        console.MarkupLine($"WAL streaming lag: {list.WalLagSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
        if (list.RestorePoints.Count > 0)
        {
            var points = new Table().Title("restore points").AddColumns("name", "time", "lsn");
            foreach (var point in list.RestorePoints)
            {
                points.AddRow(Markup.Escape(point.Name), Time(point.Time), Markup.Escape(point.Lsn));
            }

            console.Write(points);
        }
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
