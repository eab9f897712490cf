using System.CommandLine;
using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli.Commands;

/// <summary><c>pgaio analytics metrics</c>: GET /api/analytics/metrics, one metric aggregated in time buckets, overall or per device.</summary>
public static class AnalyticsMetricsCommand
{
    public static Command Create(CommandHost host)
    {
        var metric = new Option<string>("--metric") { Description = "The metric's name", Required = true };
        var bucket = new Option<string>("--bucket") { Description = "Bucket width, e.g. 1m, 1h, 1d", DefaultValueFactory = _ => "1h" };
        var agg = new Option<string>("--agg") { Description = "Aggregate per bucket", DefaultValueFactory = _ => "avg" };
        agg.AcceptOnlyFromAmong("avg", "min", "max", "sum", "count", "last");
        var groupBy = new Option<string>("--group-by") { Description = "One series, or one per device", DefaultValueFactory = _ => "none" };
        groupBy.AcceptOnlyFromAmong("none", "device");
        var from = CliOptions.Time("--from", "Start, inclusive (default: 30 days before --to)");
        var to = CliOptions.Time("--to", "End, exclusive (default: the next whole minute)");
        var command = new Command("metrics", "A metric aggregated per time bucket") { metric, bucket, agg, groupBy, from, to };
        host.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var perDevice = parseResult.GetValue(groupBy) == "device";
            var answer = await context.Client.MetricAnalyticsAsync(
                parseResult.GetValue(metric)!,
                parseResult.GetValue(bucket)!,
                parseResult.GetValue(agg)!,
                parseResult.GetValue(groupBy)!,
                parseResult.GetValue(from),
                parseResult.GetValue(to),
                cancellationToken);
            var table = new Table().AddColumns(perDevice ? ["bucket", "device", "value", "count"] : ["bucket", "value", "count"]);
            foreach (var column in table.Columns.TakeLast(2))
            {
                column.RightAligned();
            }

            foreach (var row in answer.Result.Rows)
            {
                var value = Format.Number(row.Value, 3);
                var count = Format.Whole(row.Count);
                table.AddRow(perDevice ? [Format.Time(row.Bucket), Markup.Escape(row.Device ?? ""), value, count] : [Format.Time(row.Bucket), value, count]);
            }

            context.Console.Write(table);
            AnalyticsFooter.Write(context.Console, answer.Result.Rows.Count, answer.Cache, answer.Result.ComputedAt);
            return 0;
        });
        return command;
    }
}
