using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli.Commands;

/// <summary>The line under an analytics table: whether the query cache answered and how old the answer is.</summary>
public static class AnalyticsFooter
{
    public static void Write(IAnsiConsole console, int rows, string? cache, DateTimeOffset computedAt) =>
        console.MarkupLine($"[grey]{rows} row(s) · cache: {Markup.Escape(cache ?? "unknown")} · computed at {Format.Time(computedAt)}[/]");
}
