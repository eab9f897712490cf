using System.CommandLine;
using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Cli.Commands;

/// <summary><c>pgaio search QUERY</c>: GET /api/search, hits with their highlighted snippets.</summary>
public static class SearchCommand
{
    public static Command Create(CommandHost host)
    {
        var query = new Argument<string>("query") { Description = "Web-search syntax: words, \"phrases\", or, -excluded" };
        var limit = CliOptions.Positive("--limit", 20, "Most hits to show");
        var offset = CliOptions.Bounded("--offset", 0, "Hits to skip (paging)", 0);
        var language = new Option<string?>("--language") { Description = "Only documents of this language: english, chinese, simple, or a tag such as en, zh-CN" };
        var command = new Command("search", $"Full-text search over the documents; matches are highlighted, or marked {Highlight.PlainOpen}like this{Highlight.PlainClose} when the output is piped or has no colours") { query, limit, offset, language };
        host.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var result = await context.Client.SearchAsync(
                parseResult.GetValue(query)!, parseResult.GetValue(limit), parseResult.GetValue(offset), parseResult.GetValue(language), cancellationToken);
            var table = new Table().AddColumns("id", "rank", "title", "snippet");
            table.Columns[0].RightAligned();
            table.Columns[1].RightAligned();
            foreach (var hit in result.Hits)
            {
                table.AddRow(Format.Whole(hit.Id), Format.Number(hit.Rank, 4), Markup.Escape(hit.Title), Highlight.Snippet(hit.Snippet, context.Console));
            }

            context.Console.Write(table);
            context.Console.MarkupLine($"[grey]{result.Hits.Count} hit(s) in {Format.Number(result.TookMs)} ms[/]");
            return 0;
        });
        return command;
    }
}
