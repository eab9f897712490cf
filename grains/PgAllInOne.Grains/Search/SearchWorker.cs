using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Search;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains.Search;

/// <summary>Runs searches next to the caller, on a standby when one is close enough. English snippets come from ts_headline; CJK ones are cut around the match here.</summary>
[StatelessWorker]
public sealed partial class SearchWorker(StandbyReads reads) : Grain, ISearchWorker
{
    private const int SnippetContext = 30;

    public Task<SearchResult> Search(SearchQuery query)
    {
        if (string.IsNullOrWhiteSpace(query.Q) || query.Q.Length > SearchRules.MaxQueryLength)
        {
            throw new ValidationException($"q must be 1-{SearchRules.MaxQueryLength} characters.");
        }

        if (query.Limit is < 1 or > SearchRules.MaxLimit || query.Offset is < 0 or > SearchRules.MaxOffset)
        {
            throw new ValidationException($"limit must be 1-{SearchRules.MaxLimit} and offset 0-{SearchRules.MaxOffset}.");
        }

        DocumentLanguages.Check(query.Language);
        TextRules.Check(query.Q, "q");

        return reads.ReadAsync(dataSource => SearchAsync(dataSource, query));
    }

    private static async Task<SearchResult> SearchAsync(NpgsqlDataSource dataSource, SearchQuery query)
    {
        var started = Stopwatch.GetTimestamp();
        var cjk = CjkRun().Matches(query.Q).Select(m => m.Value).ToArray();
        await using var command = dataSource.CreateCommand(GrainsSql.Get("Search/SearchDocuments.sql"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.Q });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Offset });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)DocumentLanguages.Check(query.Language) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var hits = new List<SearchHit>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var snippet = cjk.Length > 0 ? CjkSnippet(reader.GetString(2), cjk) ?? reader.GetString(3) : reader.GetString(3);
                hits.Add(new SearchHit(reader.GetInt64(0), reader.GetString(1), snippet, reader.GetFloat(4)));
            }
        }

        return new SearchResult(hits, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static string? CjkSnippet(string content, string[] terms)
    {
        var at = -1;
        var term = "";
        foreach (var candidate in terms)
        {
            var index = content.IndexOf(candidate, StringComparison.Ordinal);
            if (index >= 0 && (at < 0 || index < at))
            {
                at = index;
                term = candidate;
            }
        }

        if (at < 0)
        {
            return null;
        }

        var from = Math.Max(0, at - SnippetContext);
        var to = Math.Min(content.Length, at + term.Length + SnippetContext);
        return (from > 0 ? "…" : "") + content[from..at] + "<mark>" + term + "</mark>" + content[(at + term.Length)..to] + (to < content.Length ? "…" : "");
    }

    // The same characters as pgaio_cjk_runs in sql/0006_documents.sql.
    [GeneratedRegex("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")]
    private static partial Regex CjkRun();
}
