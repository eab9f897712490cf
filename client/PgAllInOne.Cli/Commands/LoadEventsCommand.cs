using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PgAllInOne.Api.Contracts.Users;
using PgAllInOne.Cli.Http;
using PgAllInOne.Cli.Load;
using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli.Commands;

/// <summary><c>pgaio load events</c>: creates users for the run, then posts their events as fast as the workers can.</summary>
public static class LoadEventsCommand
{
    private static readonly string[] Types = ["click", "view", "purchase", "login"];

    public static Command Create(CommandHost host)
    {
        var duration = CliOptions.Duration("--duration", TimeSpan.FromSeconds(10), "How long to send (e.g. 30s, 2m)");
        var concurrency = CliOptions.Positive("--concurrency", 16, "Requests in flight at once", 1024);
        var users = CliOptions.Positive("--users", 20, "Users created for the run; events go to them in turn", 100_000);
        var batch = CliOptions.Positive("--batch", 1, "Events per request", 1000);
        var command = new Command("events", "Load: post user events") { duration, concurrency, users, batch };
        host.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var runId = Guid.NewGuid().ToString("N")[..8];
            var ids = await CreateUsersAsync(context, runId, parseResult.GetValue(users), parseResult.GetValue(concurrency), cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                context.Console.MarkupLine($"[yellow]cancelled[/] after creating {ids.Count} user(s)");
                return 0;
            }

            var size = parseResult.GetValue(batch);
            var workers = parseResult.GetValue(concurrency);
            var run = new LoadRun(workers, parseResult.GetValue(duration));
            var result = await run.RunAsync(context.Console, "events", (worker, iteration, token) =>
            {
                // Workers take users in turn so that every user grain gets a share and no two workers start on the same one.
                var user = ids[(int)(((iteration * workers) + worker) % ids.Count)];
                var events = new NewEventRequest[size];
                for (var i = 0; i < size; i++)
                {
                    events[i] = new NewEventRequest(Types[(iteration + i) % Types.Length], JsonSerializer.SerializeToElement(new { run = runId, worker, n = iteration }));
                }

                // One key per request: a request retried after a 503 or a timeout is stored once.
                return context.Client.AddEventsAsync(user, events, token, string.Create(CultureInfo.InvariantCulture, $"load-{runId}-{worker}-{iteration}"));
            }, cancellationToken);
            return LoadSummary.Write(context, "load events", [("run", runId), ("users", Format.Whole(ids.Count)), ("batch", Format.Whole(size))], result);
        });
        return command;
    }

    private static async Task<List<long>> CreateUsersAsync(CommandContext context, string runId, int count, int concurrency, CancellationToken cancellationToken)
    {
        var ids = new long[count];
        var created = 0;
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, count),
                new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"load-{runId}-{i}");
                    ids[i] = (await context.Client.CreateUserAsync(new CreateUserRequest(name, name + "@load.example", null), token, name)).Id;
                    Interlocked.Increment(ref created);
                });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C while creating users: report how far it got.
        }

        context.Console.MarkupLine($"[grey]created {created} user(s) for run {runId}[/]");
        return ids.Where(id => id != 0).ToList();
    }
}
