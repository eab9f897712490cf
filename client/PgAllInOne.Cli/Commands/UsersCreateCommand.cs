using System.CommandLine;
using PgAllInOne.Api.Contracts.Users;
using PgAllInOne.Cli.Http;

namespace PgAllInOne.Cli.Commands;

/// <summary><c>pgaio users create</c>: POST /api/users; the facade checks the fields and answers 409 for a taken username or email.</summary>
public static class UsersCreateCommand
{
    public static Command Create(CommandHost host)
    {
        var username = new Option<string>("--username") { Description = "3–50 of [A-Za-z0-9_.-]", Required = true };
        var email = new Option<string>("--email") { Description = "The user's email address", Required = true };
        var profile = CliOptions.JsonObject("--profile", "The profile as a JSON object, e.g. '{\"city\":\"Oslo\"}'");
        var command = new Command("create", "Create a user") { username, email, profile };
        host.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var body = new CreateUserRequest(parseResult.GetValue(username)!, parseResult.GetValue(email)!, parseResult.GetValue(profile));
            var user = await context.Client.CreateUserAsync(body, cancellationToken);
            UsersGetCommand.Render(context.Console, user);
            return 0;
        });
        return command;
    }
}
