using System.CommandLine;
using System.Globalization;
using PgAllInOne.Api.Contracts.Archive;
using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli.Commands;

/// <summary><c>pgaio archive list</c>: the archived metric days (GET /api/archive).</summary>
public static class ArchiveListCommand
{
    public static Command Create(CommandHost host)
    {
        var command = new Command("list", "Archived metric days (day, file, readings, size, archived, attached)");
        host.SetAction(command, async (_, context, cancellationToken) =>
        {
            Render(context.Console, await context.Client.ListArchiveAsync(cancellationToken));
            return 0;
        });
        return command;
    }

    public static void Render(IAnsiConsole console, IReadOnlyList<ArchivedDayView> days)
    {
        var table = new Table().AddColumns("day", "file", "readings", "size MB", "archived", "attached");
        table.Columns[2].RightAligned();
        table.Columns[3].RightAligned();
        foreach (var day in days)
        {
            table.AddRow(
                day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Markup.Escape(day.File),
                Format.Whole(day.Readings),
                Format.Megabytes(day.Bytes),
                Time(day.ArchivedAt),
                day.AttachedAt is { } attached ? Time(attached) : "-");
        }

        console.Write(table);
    }

    internal static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
