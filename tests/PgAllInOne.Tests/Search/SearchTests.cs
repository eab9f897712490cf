using System.Text.RegularExpressions;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Search;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Search;

public sealed partial class SearchTests(PostgresFixture postgres, ITestOutputHelper output) : SiloTest(postgres)
{
    // Debian's fortunes-zh (installed by test.sh): Tang and Song poems and a collection of Chinese sayings.
    private const string CorpusFolder = "/usr/share/games/fortunes";

    private Task<SearchResult> SearchAsync(string q, int limit = 20, int offset = 0) =>
        Silo.Grains.GetGrain<ISearchWorker>("any").Search(new SearchQuery(q, limit, offset));

    private Task<long> AddAsync(string title, string content) =>
        Silo.Grains.GetGrain<IDocumentsGrain>("any").Add(new NewDocument(title, content));

    [Fact]
    public async Task EnglishSearch_Stems_HonoursWebSearchSyntax_AndHighlights()
    {
        var dogs = await AddAsync("Dogs", "Running dogs chase the ball in the park.");
        var house = await AddAsync("House", "The white house has a cat and a dog.");
        var cats = await AddAsync("Cats", "A cat sleeps in the white sun.");

        Assert.Equal([dogs, house], (await SearchAsync("dog")).Hits.Select(h => h.Id).Order());
        Assert.Equal([dogs], (await SearchAsync("run dogs")).Hits.Select(h => h.Id));
        Assert.Equal([house], (await SearchAsync("\"white house\"")).Hits.Select(h => h.Id));
        Assert.Equal([dogs], (await SearchAsync("dog -cat")).Hits.Select(h => h.Id));
        Assert.Equal([dogs, cats], (await SearchAsync("ball or sleeps")).Hits.Select(h => h.Id).Order());
        Assert.Contains("<mark>Running</mark>", (await SearchAsync("run")).Hits.Single().Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Documents_AreReplacedAndDeleted_AndSearchFollows()
    {
        var documents = Silo.Grains.GetGrain<IDocumentsGrain>("any");
        var id = await AddAsync("Old title", "a story about sailing ships");

        var replaced = await documents.Replace(id, new NewDocument("New title", "a story about mountain trains", Language: "english"));

        Assert.Equal(("New title", "english"), (replaced!.Title, replaced.Language));
        Assert.Equal((replaced.Content, replaced.UpdatedAt), await documents.Get(id) is { } read ? (read.Content, read.UpdatedAt) : default);
        Assert.Empty((await SearchAsync("ships")).Hits);
        Assert.Equal([id], (await SearchAsync("trains")).Hits.Select(h => h.Id));
        await Assert.ThrowsAsync<ValidationException>(() => documents.Replace(id, new NewDocument("", "x")));
        Assert.Equal("New title", (await documents.Get(id))!.Title);

        Assert.True(await documents.Delete(id));
        Assert.False(await documents.Delete(id));
        Assert.Null(await documents.Get(id));
        Assert.Null(await documents.Replace(id, new NewDocument("t", "c")));
        Assert.Empty((await SearchAsync("trains")).Hits);
    }

    [Fact]
    public async Task Pages_FollowOneAnother_WithoutOverlap()
    {
        for (var i = 0; i < 25; i++)
        {
            await AddAsync($"Note {i}", $"searchable note number {i}");
        }

        var first = await SearchAsync("searchable", limit: 10);
        var second = await SearchAsync("searchable", limit: 10, offset: 10);
        var third = await SearchAsync("searchable", limit: 10, offset: 20);

        Assert.Equal(25, first.Hits.Concat(second.Hits).Concat(third.Hits).Select(h => h.Id).Distinct().Count());
        Assert.Equal(5, third.Hits.Count);
        await Assert.ThrowsAsync<ValidationException>(() => SearchAsync("x", limit: 0));
        await Assert.ThrowsAsync<ValidationException>(() => SearchAsync(""));
    }

    [Fact]
    public async Task ChineseQueries_FindExactlyTheDocumentsContainingThem_OnARealCorpus()
    {
        var corpus = LoadCorpus();
        var ids = new long[corpus.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, corpus.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            ids[i] = await AddAsync(corpus[i].Title, corpus[i].Content));

        var random = new Random(20261122);
        var queries = new List<string>();
        while (queries.Count < 120)
        {
            var (title, content) = corpus[random.Next(corpus.Count)];
            var runs = CjkRun().Matches(content).Where(m => m.Length >= 4).ToList();
            if (runs.Count == 0)
            {
                continue;
            }

            var run = runs[random.Next(runs.Count)].Value;
            var length = 2 + (queries.Count % 3);
            queries.Add(run.Substring(random.Next(run.Length - length + 1), length));
        }

        long truePositives = 0, returned = 0, relevant = 0;
        foreach (var query in queries)
        {
            var truth = Enumerable.Range(0, corpus.Count).Where(i => corpus[i].Title.Contains(query, StringComparison.Ordinal) || corpus[i].Content.Contains(query, StringComparison.Ordinal)).Select(i => ids[i]).ToHashSet();
            var hits = (await SearchAsync(query, limit: 1000)).Hits.Select(h => h.Id).ToHashSet();
            truePositives += hits.Count(truth.Contains);
            returned += hits.Count;
            relevant += truth.Count;
        }

        var precision = (double)truePositives / returned;
        var recall = (double)truePositives / relevant;
        output.WriteLine($"{corpus.Count} documents, {queries.Count} queries of 2-4 characters: precision {precision:F4}, recall {recall:F4} ({truePositives} of {relevant} relevant, {returned} returned)");
        Assert.True(recall >= 0.98, $"recall {recall:F4} is under 0.98");
        Assert.True(precision >= 0.95, $"precision {precision:F4} is under 0.95");

        var single = await SearchAsync("月", limit: 1000);
        Assert.Equal(corpus.Count(d => d.Title.Contains('月', StringComparison.Ordinal) || d.Content.Contains('月', StringComparison.Ordinal)), single.Hits.Count);
        Assert.Contains("<mark>明月</mark>", (await SearchAsync("明月")).Hits[0].Snippet, StringComparison.Ordinal);
    }

    private static List<(string Title, string Content)> LoadCorpus()
    {
        Assert.True(File.Exists(Path.Combine(CorpusFolder, "tang300")), "the Chinese corpus is missing: install Debian's fortunes-zh (./test.sh does)");
        var documents = new List<(string, string)>();
        foreach (var (file, take) in new[] { ("tang300", int.MaxValue), ("song100", int.MaxValue), ("chinese", 600) })
        {
            var text = AnsiEscape().Replace(File.ReadAllText(Path.Combine(CorpusFolder, file)), "");
            foreach (var entry in text.Split("\n%\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(take))
            {
                var lines = entry.Split('\n', 2);
                documents.Add((lines[0].Trim(), lines.Length > 1 ? lines[1] : lines[0]));
            }
        }

        return documents;
    }

    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")]
    private static partial Regex CjkRun();
}
