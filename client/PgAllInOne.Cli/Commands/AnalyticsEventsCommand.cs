using System.CommandLine;
using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli.Commands;

/// <summary><c>pgaio analytics events</c>: GET /api/analytics/events, event counts grouped by type, day or user.</summary>
public static class AnalyticsEventsCommand
{
    public static Command Create(CommandHost host)
    {
        var groupBy = new Option<string>("--group-by") { Description = "Group events by", DefaultValueFactory = _ => "type" };
        groupBy.AcceptOnlyFromAmong("type", "day", "user");
        var from = CliOptions.Time("--from", "Start, inclusive (default: 30 days before --to)");
        var to = CliOptions.Time("--to", "End, exclusive (default: the next whole minute)");
        var type = new Option<string?>("--type") { Description = "Only events of this type" };
        var top = new Option<int?>("--top") { Description = "Only the largest N groups" };
        var command = new Command("events", "Event counts per type, day or user") { groupBy, from, to, type, top };
        host.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var answer = await context.Client.EventAnalyticsAsync(
                parseResult.GetValue(groupBy)!, parseResult.GetValue(from), parseResult.GetValue(to), parseResult.GetValue(type), parseResult.GetValue(top), cancellationToken);
            var table = new Table().AddColumns("key", "count", "first at", "last at");
            table.Columns[1].RightAligned();
            foreach (var row in answer.Result.Rows)
            {
                table.AddRow(Markup.Escape(row.Key), Format.Whole(row.Count), Format.Time(row.FirstAt), Format.Time(row.LastAt));
            }

            context.Console.Write(table);
            AnalyticsFooter.Write(context.Console, answer.Result.Rows.Count, answer.Cache, answer.Result.ComputedAt);
            return 0;
        });
        return command;
    }
}
