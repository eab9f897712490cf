using System.CommandLine;
using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli.Commands;

/// <summary><c>pgaio archive attach DAY</c>: an archived day's readings back into PostgreSQL (POST /api/archive/{day}/attach).</summary>
public static class ArchiveAttachCommand
{
    public static Command Create(CommandHost host)
    {
        var day = new Argument<string>("day") { Description = "The archived UTC day, yyyy-MM-dd" };
        var command = new Command("attach", "Copy an archived day's readings back into PostgreSQL (they read as before the archive)") { day };
        host.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var attached = await context.Client.AttachArchivedDayAsync(parseResult.GetValue(day)!, cancellationToken);
            context.Console.MarkupLine($"attached {attached.Day:yyyy-MM-dd}: {Format.Whole(attached.Readings)} readings back from {Markup.Escape(attached.File)}");
            return 0;
        });
        return command;
    }
}
