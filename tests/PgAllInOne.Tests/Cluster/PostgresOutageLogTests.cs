using Microsoft.Extensions.Logging.Abstractions;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Cluster;

/// <summary>
/// A silo process whose PostgreSQL goes away (as when the silo that owned the embedded server stops) says so once, and
/// once when it is back: no warning or stack trace per retry of its listener or of Orleans' membership.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(RunsAloneCollection.Name)] // runs alone: it stops a server of its own, and the silo must not be starved meanwhile
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class PostgresOutageLogTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string Lost = "is unreachable";
    private const string Back = "is reachable again";
    private readonly TempFolder folder = new("pgaio-outage-log");
    private EmbeddedPostgres server = null!;
    private SiloProcess silo = null!;

    public async Task InitializeAsync()
    {
        server = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = folder.Path, Settings = new Dictionary<string, string> { ["fsync"] = "off" } },
            NullLogger.Instance);
        silo = SiloProcess.Start(server.ConnectionString, "Information");
        await silo.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        silo.Dispose();
        await server.DisposeAsync();
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task APostgresOutage_IsLoggedOnceWhenLost_AndOnceWhenBack_WithoutATracePerRetry()
    {
        var before = silo.Output.Count;
        await server.StopAsync(immediate: true);
        await Eventually.TrueAsync(() => Since(before).Any(l => l.Contains(Lost, StringComparison.Ordinal)), "the silo to report PostgreSQL lost", TimeSpan.FromSeconds(30));

        // Ten reconnection attempts of the listener (one a second) and several of Orleans' membership refreshes and
        // heartbeats fail in this window; each used to log a warning with a stack trace.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var duringOutage = Since(before);
        await server.StartAsync();
        await Eventually.TrueAsync(() => Since(before).Any(l => l.Contains(Back, StringComparison.Ordinal)), "the silo to report PostgreSQL back", TimeSpan.FromSeconds(60));
        var log = Since(before);
        output.WriteLine($"{duringOutage.Count} lines during the outage window, {log.Count} until PostgreSQL was reported back:");
        output.WriteLine(string.Join('\n', log));

        Assert.True(silo.IsRunning);
        var warnings = log.Where(l => l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["warn: PgAllInOne.Postgres.PostgresReachability[45]"], warnings);
        Assert.Single(log, l => l.Contains(Lost, StringComparison.Ordinal));
        Assert.Single(log, l => l.Contains(Back, StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    private List<string> Since(int start) => silo.Output.Skip(start).ToList();
}
