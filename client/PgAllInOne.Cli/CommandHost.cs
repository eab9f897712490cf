using System.CommandLine;
using System.Net.Sockets;
using PgAllInOne.Cli.Http;
using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli;

/// <summary>What a command's action gets: the console, the error writer, the resolved connection and a client for it.</summary>
public sealed record CommandContext(IAnsiConsole Console, ErrorWriter Errors, ConnectionSettings Connection, PgaioHttpClient Client);

/// <summary>
/// Runs command actions with the shared plumbing: resolves the connection, and turns the facade's problems into
/// "error: &lt;status&gt; &lt;detail&gt;" with exit code 1 and an unreachable silo into one line with exit code 2.
/// </summary>
public sealed class CommandHost(GlobalOptions options, IAnsiConsole console, ErrorWriter errors, Func<string, string?> environment)
{
    public const int Failed = 1;
    public const int Unreachable = 2;

    public void SetAction(Command command, Func<ParseResult, CommandContext, CancellationToken, Task<int>> action) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, action, cancellationToken));

    private async Task<int> RunAsync(ParseResult parseResult, Func<ParseResult, CommandContext, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        ConnectionSettings? connection = null;
        try
        {
            connection = options.Resolve(parseResult, environment);
            using var client = new PgaioHttpClient(connection.Url, connection.Key);
            return await action(parseResult, new CommandContext(console, errors, connection, client), cancellationToken);
        }
        catch (PgaioApiException problem)
        {
            errors.Error($"{problem.Status} {problem.Detail}");
            if (problem.Status == 401 && connection is { KeySource: null })
            {
                errors.Hint($"no API key was found: pass --key, set PGAIO_API_KEY, or point --data-dir at the folder holding {GlobalOptions.KeyFileName} (looked for {connection.KeyFile})");
            }

            return Failed;
        }
        catch (HttpRequestException unreachable) when (unreachable.StatusCode is null)
        {
            errors.Error(UnreachableMessage(connection!, unreachable));
            return Unreachable;
        }
        catch (TaskCanceledException timeout) when (timeout.InnerException is TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            errors.Error($"the silo at {connection!.Url} did not answer in time");
            return Unreachable;
        }
        catch (CliUsageException usage)
        {
            errors.Error(usage.Message);
            return Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            errors.Error("cancelled");
            return 130;
        }
    }

    internal static string UnreachableMessage(ConnectionSettings connection, HttpRequestException exception)
    {
        var reason = exception.InnerException is SocketException socket ? socket.Message : exception.Message;
        return $"cannot reach the silo at {connection.Url}: {reason} (is it running? set --url or PGAIO_URL)";
    }
}
