using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Search;
using PgAllInOne.Postgres;

namespace PgAllInOne.Benchmarks;

/// <summary>
/// Search latency through the search worker beside the same statement run directly with Npgsql, over Debian's
/// fortunes-zh corpus (Tang and Song poems, Chinese sayings) plus its English snippets path.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // disposed in [GlobalCleanup], which BenchmarkDotNet calls
public partial class SearchBenchmarks
{
    private BenchmarkSilo silo = null!;
    private NpgsqlDataSource dataSource = null!;
    private ISearchWorker worker = null!;
    private string sql = null!;

    [Params("明月", "春风", "不知")]
    public string Query { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        silo = BenchmarkSilo.Start();
        dataSource = NpgsqlDataSource.Create(BenchmarkPostgres.ConnectionString);
        worker = silo.Grains.GetGrain<ISearchWorker>("bench");
        sql = SqlResource.Get(typeof(PgAllInOne.Grains.GrainsAssembly).Assembly, "grains/Search/SearchDocuments.sql");
        using var count = dataSource.CreateCommand("SELECT count(*) FROM documents");
        if ((long)count.ExecuteScalar()! == 0)
        {
            var documents = silo.Grains.GetGrain<IDocumentsGrain>("bench");
            foreach (var file in new[] { "tang300", "song100", "chinese" })
            {
                var path = Path.Combine("/usr/share/games/fortunes", file);
                var text = AnsiEscape().Replace(File.ReadAllText(path), "");
                foreach (var entry in text.Split("\n%\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(2_000))
                {
                    var lines = entry.Split('\n', 2);
                    documents.Add(new NewDocument(lines[0].Trim(), lines.Length > 1 ? lines[1] : lines[0])).GetAwaiter().GetResult();
                }
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        dataSource.Dispose();
        silo.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> DirectSql()
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Query });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 20 });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 0 });
        command.Parameters.Add(new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var rows = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            _ = reader.GetString(2);
            rows++;
        }

        return rows;
    }

    [Benchmark]
    public async Task<int> SearchWorker() => (await worker.Search(new SearchQuery(Query))).Hits.Count;

    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex AnsiEscape();
}
