using System.CommandLine;
using PgAllInOne.Api.Contracts.Users;
using PgAllInOne.Cli.Http;
using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli.Commands;

/// <summary><c>pgaio users get ID</c>: GET /api/users/{id}.</summary>
public static class UsersGetCommand
{
    public static Command Create(CommandHost host)
    {
        var id = new Argument<long>("id") { Description = "The user's id" };
        var command = new Command("get", "Show a user") { id };
        host.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            Render(context.Console, await context.Client.GetUserAsync(parseResult.GetValue(id), cancellationToken));
            return 0;
        });
        return command;
    }

    /// <summary>One field a row, so that a long profile wraps in its own cell instead of widening a one-row table.</summary>
    public static void Render(IAnsiConsole console, UserView user)
    {
        var table = new Table().HideHeaders().AddColumns("field", "value");
        table.AddRow("id", Format.Whole(user.Id));
        table.AddRow("username", Markup.Escape(user.Username));
        table.AddRow("email", Markup.Escape(user.Email));
        table.AddRow("profile", Markup.Escape(user.Profile.GetRawText()));
        table.AddRow("eventCount", Format.Whole(user.EventCount));
        table.AddRow("version", Format.Whole(user.Version));
        table.AddRow("createdAt", Format.Time(user.CreatedAt));
        table.AddRow("updatedAt", Format.Time(user.UpdatedAt));
        console.Write(table);
    }
}
