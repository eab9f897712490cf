using System.CommandLine;
using PgAllInOne.Api.Contracts.Cluster;
using PgAllInOne.Cli.Http;
using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli.Commands;

/// <summary><c>pgaio status [--all]</c>: the silos of the cluster and what they hold, from GET /api/cluster (dead ones with --all).</summary>
public static class StatusCommand
{
    public static Command Create(CommandHost host)
    {
        var all = new Option<bool>("--all") { Description = "Also list the silos that left (dead), until the membership cleans them up (Membership:DefunctSiloExpiration)" };
        var command = new Command("status", "Silos of the cluster (those that left only with --all), their load, and activations per grain type") { all };
        host.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var cluster = await context.Client.GetClusterAsync(parseResult.GetValue(all), cancellationToken);
            Render(context.Console, cluster, DateTimeOffset.UtcNow);
            return 0;
        });
        return command;
    }

    public static void Render(IAnsiConsole console, ClusterInfo cluster, DateTimeOffset now)
    {
        var silos = new Table().Title($"cluster [bold]{Markup.Escape(cluster.ClusterId)}[/]")
            .AddColumns("id", "endpoint", "status", "uptime", "heartbeat", "activations", "cpu %", "memory MB");
        foreach (var column in silos.Columns.Skip(5))
        {
            column.RightAligned();
        }

        foreach (var silo in cluster.Silos)
        {
            silos.AddRow(
                Markup.Escape(silo.Id),
                Markup.Escape(silo.Endpoint),
                StatusMarkup(silo.Status),
                Format.Duration(now - silo.StartedAt),
                Format.Duration(now - silo.LastHeartbeat) + " ago",
                Format.Whole(silo.Activations),
                silo.Stats?.CpuPercent is { } cpu ? Format.Number(cpu) : "-",
                silo.Stats?.MemoryBytes is { } memory ? Format.Megabytes(memory) : "-");
        }

        console.Write(silos);

        var activations = new Table().Title("activations").AddColumns("grain type", "count");
        activations.Columns[1].RightAligned();
        foreach (var (type, count) in cluster.Activations.OrderByDescending(a => a.Value).ThenBy(a => a.Key, StringComparer.Ordinal))
        {
            activations.AddRow(Markup.Escape(type), Format.Whole(count));
        }

        console.Write(activations);
    }

    private static string StatusMarkup(string status) => status switch
    {
        "active" => "[green]active[/]",
        "dead" => "[red]dead[/]",
        _ => $"[yellow]{Markup.Escape(status)}[/]",
    };
}
