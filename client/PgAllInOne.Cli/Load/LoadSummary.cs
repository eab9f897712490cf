using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli.Load;

/// <summary>The table printed at the end of a load run, however it ended, and the exit code that goes with it.</summary>
public static class LoadSummary
{
    public static int Write(CommandContext context, string title, IEnumerable<(string Measure, string Value)> run, LoadResult result)
    {
        var seconds = Math.Max(result.Elapsed.TotalSeconds, 0.001);
        var table = new Table().Title(result.Cancelled ? $"{title} [yellow](cancelled)[/]" : title).AddColumns("measure", "value");
        table.Columns[1].RightAligned();
        foreach (var (measure, value) in run)
        {
            table.AddRow(measure, Markup.Escape(value));
        }

        table.AddRow("requests", Format.Whole(result.Requests));
        table.AddRow("rows", Format.Whole(result.Rows));
        table.AddRow("errors", result.Errors > 0 ? $"[red]{Format.Whole(result.Errors)}[/]" : "0");
        table.AddRow("throttled (429)", Format.Whole(result.Throttled));
        table.AddRow("retried (same key)", Format.Whole(context.Client.Retries));
        table.AddRow("unfinished", result.Unfinished > 0 ? $"[yellow]{Format.Whole(result.Unfinished)}[/]" : "0");
        table.AddRow("elapsed", Format.Duration(result.Elapsed));
        table.AddRow("requests/s", Format.Number(result.Requests / seconds));
        table.AddRow("rows/s", Format.Number(result.Rows / seconds));
        table.AddRow("latency p50 (ms)", Format.Number(result.Latency.PercentileMs(0.50), 2));
        table.AddRow("latency p95 (ms)", Format.Number(result.Latency.PercentileMs(0.95), 2));
        table.AddRow("latency p99 (ms)", Format.Number(result.Latency.PercentileMs(0.99), 2));
        table.AddRow("latency max (ms)", Format.Number(result.Latency.MaxMicroseconds / 1000.0, 2));
        context.Console.Write(table);

        if (result.Problems.Count > 0)
        {
            var problems = new Table().Title("errors").AddColumns("count", "problem");
            problems.Columns[0].RightAligned();
            foreach (var (problem, count) in result.Problems)
            {
                problems.AddRow(Format.Whole(count), Markup.Escape(problem));
            }

            context.Console.Write(problems);
        }

        if (result.Unreachable is not null)
        {
            context.Errors.Error(CommandHost.UnreachableMessage(context.Connection, result.Unreachable));
            return CommandHost.Unreachable;
        }

        return result.Errors > 0 ? CommandHost.Failed : 0;
    }
}
