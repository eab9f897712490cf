using System.CommandLine;
using PgAllInOne.Cli.Import;
using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli.Commands;

/// <summary>
/// <c>pgaio import documents FILE.jsonl</c>: one document per line. Exit code 0 when every line was imported, 1 when some
/// failed, 2 when the silo became unreachable, 130 when cancelled; the summary is printed in every case and accounts for
/// every line read: imported + failed + unfinished (sent, no answer before the stop) + not sent = lines.
/// </summary>
public static class ImportDocumentsCommand
{
    public static Command Create(CommandHost host)
    {
        var file = new Argument<FileInfo>("file") { Description = "JSON Lines: one {title, content, metadata?, language?} per line" };
        var concurrency = CliOptions.Positive("--concurrency", 8, "Documents in flight at once (the facade takes one document per request)", 256);
        concurrency.Aliases.Add("--batch");
        var command = new Command("documents", "Import documents from a JSON Lines file; the summary accounts for every line read (imported, failed, unfinished: sent without an answer before a stop, not sent)") { file, concurrency };
        host.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var input = parseResult.GetValue(file)!;
            if (!input.Exists)
            {
                throw new CliUsageException($"there is no file {input.FullName}");
            }

            var import = new DocumentImport(context.Client, parseResult.GetValue(concurrency));
            var result = await context.Console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask(Markup.Escape(input.Name), maxValue: Math.Max(1, input.Length));
                    var running = import.RunAsync(input.FullName, cancellationToken);
                    while (await Task.WhenAny(running, Task.Delay(200, CancellationToken.None)) != running)
                    {
                        task.Value = import.BytesDone;
                        task.Description = $"{Markup.Escape(input.Name)} [green]{import.Imported}[/] imported, [red]{import.Failed}[/] failed";
                    }

                    var outcome = await running;
                    task.Value = outcome.Cancelled || outcome.Unreachable is not null ? import.BytesDone : task.MaxValue;
                    task.Description = Markup.Escape(input.Name);
                    task.StopTask();
                    return outcome;
                });
            Summarize(context.Console, result);
            if (result.Unreachable is not null)
            {
                context.Errors.Error(CommandHost.UnreachableMessage(context.Connection, result.Unreachable));
                return CommandHost.Unreachable;
            }

            return result.Cancelled ? 130 : result.FailedCount > 0 ? CommandHost.Failed : 0;
        });
        return command;
    }

    private static void Summarize(IAnsiConsole console, ImportResult result)
    {
        var seconds = Math.Max(result.Elapsed.TotalSeconds, 0.001);
        var table = new Table().Title(result.Cancelled ? "import [yellow](cancelled)[/]" : "import").HideHeaders().AddColumns("measure", "value");
        table.Columns[1].RightAligned();
        table.AddRow("lines", Format.Whole(result.Lines));
        table.AddRow("imported", $"[green]{Format.Whole(result.Imported)}[/]");
        table.AddRow("failed", result.FailedCount > 0 ? $"[red]{Format.Whole(result.FailedCount)}[/]" : "0");
        if (result.Unfinished > 0)
        {
            table.AddRow("unfinished", $"[yellow]{Format.Whole(result.Unfinished)}[/]");
        }

        table.AddRow("not sent", result.NotSent > 0 ? $"[yellow]{Format.Whole(result.NotSent)}[/]" : "0");
        table.AddRow("retried (same key)", Format.Whole(result.Retried));
        table.AddRow("elapsed", Format.Duration(result.Elapsed));
        table.AddRow("docs/s", Format.Number(result.Imported / seconds));
        console.Write(table);
        if (result.Failures.Count == 0)
        {
            return;
        }

        var failures = new Table()
            .Title(result.FailedCount > result.Failures.Count ? $"first {result.Failures.Count} of {result.FailedCount} failures" : "failures")
            .AddColumns("line", "problem");
        failures.Columns[0].RightAligned();
        foreach (var (line, problem) in result.Failures)
        {
            failures.AddRow(Format.Whole(line), Markup.Escape(problem));
        }

        console.Write(failures);
    }
}
