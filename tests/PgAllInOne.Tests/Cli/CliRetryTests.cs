using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Cli;

/// <summary>
/// <c>pgaio import documents</c> through a database "restart" (a silo whose PostgreSQL is behind a proxy that cuts the
/// answers of a few commits and then refuses every connection for seconds): the CLI sends each line with its key and
/// retries 503s with it, so the import ends with every line stored exactly once; a re-run of the same file stores
/// nothing more. <c>pgaio load events</c> through the same: every acknowledged row is stored once.
/// </summary>
[Trait("Category", "EndToEnd")] // a silo behind a faulty network, for seconds at a time
// Beside other classes: the proxy it cuts and darkens is its own, and what it asserts (every line stored once, some sent
// again with their key) bounds no time: a slower machine only makes the import longer.
public sealed class CliRetryTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const int Lines = 240;

    private string database = "";
    private CommitCuttingProxy proxy = null!;
    private SiloApp app = null!;

    public async Task InitializeAsync()
    {
        database = await postgres.CreateDatabaseAsync();
        proxy = CommitCuttingProxy.Start(database, IdempotencyKeys.InsertSql);
        app = await SiloApp.StartAsync(proxy.ConnectionString, new Dictionary<string, string?>
        {
            ["Runtime:ResponseTimeout"] = "00:00:06",
            ["Api:RateLimitPerSecond"] = "1000000",
            ["Api:RateLimitBurst"] = "1000000",
        });
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await proxy.DisposeAsync();
    }

    [Fact]
    public async Task ImportInterruptedByADatabaseRestart_StoresEveryLineExactlyOnce_AndARerunStoresNothingMore()
    {
        using var folder = new TempFolder("pgaio-cli-retry");
        Directory.CreateDirectory(folder.Path);
        var file = Path.Combine(folder.Path, "restart.jsonl");
        await File.WriteAllLinesAsync(file, Enumerable.Range(1, Lines).Select(n => $$"""{"title":"line {{n}}","content":"restarted import, line {{n}}"}"""));

        var import = CliRunner.RunAsync(app, "import", "documents", file, "--concurrency", "8");
        await Eventually.TrueAsync(async () => await ScalarAsync("SELECT count(*) FROM documents") >= 40, "the import to be storing documents", TimeSpan.FromSeconds(60));
        proxy.CutNextCommits(3, thenDarkFor: TimeSpan.FromSeconds(3));
        var run = await import;

        output.WriteLine($"{proxy.Cuts} commit answers cut, then 3 s without the database\n{run.Output}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Lines, run.Measure("imported"));
        Assert.True(run.Measure("retried (same key)") > 0, run.Output);
        Assert.True(proxy.Cuts > 0);
        Assert.Equal((long)Lines, await ScalarAsync("SELECT count(*) FROM documents"));
        Assert.Equal((long)Lines, await ScalarAsync("SELECT count(DISTINCT title) FROM documents"));

        var again = await CliRunner.RunAsync(app, "import", "documents", file, "--concurrency", "8");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(Lines, again.Measure("imported"));
        Assert.Equal((long)Lines, await ScalarAsync("SELECT count(*) FROM documents"));
    }

    private Task<long> ScalarAsync(string sql) => Sql.CountAsync(database, sql);
}
