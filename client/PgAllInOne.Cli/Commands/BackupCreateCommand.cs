using System.CommandLine;
using Spectre.Console;

namespace PgAllInOne.Cli.Commands;

/// <summary><c>pgaio backup create</c>: asks the silo for a base backup now (POST /api/backups) and prints its id.</summary>
public static class BackupCreateCommand
{
    public static Command Create(CommandHost host)
    {
        var command = new Command("create", "Start a base backup now; prints its id (pgaio backup list shows when it is finished and verified)");
        host.SetAction(command, async (_, context, cancellationToken) =>
        {
            var started = await context.Client.StartBackupAsync(cancellationToken);
            context.Console.MarkupLine($"base backup [bold]{Markup.Escape(started.Id)}[/] started");
            return 0;
        });
        return command;
    }
}
