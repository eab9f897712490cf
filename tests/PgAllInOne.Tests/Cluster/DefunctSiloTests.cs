using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using PgAllInOne.Tests.Cli;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Cluster;

/// <summary>A silo that left is shown as dead only when asked for (<c>?all=true</c>, <c>pgaio status --all</c>), and the membership forgets it after the configured age.</summary>
[Trait("Category", "EndToEnd")]
public sealed class DefunctSiloTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    // Short enough for a test, long enough that the dead silo is surely still listed right after it stopped. The silo
    // that leaves says so as it stops, so failure detection plays no part: its probes are lenient, because these silos
    // start from the lower-priority lane, where the product's one-second probes were missed while the second silo
    // joined, and a silo voted dead ends itself (it exited with 134 before it was ready).
    private static readonly string[] Membership =
    [
        "--Membership:DefunctSiloExpiration=00:00:20",
        "--Membership:DefunctSiloMinimumRetention=00:00:20",
        "--Membership:DefunctSiloCleanupPeriod=00:00:02",
        "--Membership:ProbeTimeout=00:00:05",
        "--Membership:NumMissedProbesLimit=3",
    ];

    private readonly List<SiloProcess> silos = [];
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        connectionString = await postgres.CreateDatabaseAsync();
        try
        {
            silos.Add(SiloProcess.Start(connectionString, "Warning", Membership));
            await silos[0].WaitUntilReadyAsync();
            silos.Add(SiloProcess.Start(connectionString, "Warning", Membership));
            await silos[1].WaitUntilReadyAsync();
        }
        catch
        {
            // xUnit does not dispose a class whose initialization failed: its silo processes would outlive the run.
            await DisposeAsync();
            throw;
        }
    }

    public Task DisposeAsync()
    {
        silos.ForEach(s => s.Dispose());
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AStoppedSilo_IsHiddenByDefault_ListedAsDeadWithAll_AndCleanedAfterTheConfiguredAge()
    {
        var (stays, leaves) = (silos[0], silos[1]);
        var key = stays.AdminKey ?? throw new InvalidOperationException("The first silo wrote no admin key.");
        using var http = stays.Http(key);
        var leaving = $":{leaves.SiloPort.ToString(CultureInfo.InvariantCulture)}";
        await Eventually.TrueAsync(async () => (await SilosAsync(http, all: false)).ContainsKey(leaving), "both silos to be listed", TimeSpan.FromSeconds(30));

        Assert.Equal(0, await leaves.TerminateAsync());

        await Eventually.TrueAsync(async () => (await SilosAsync(http, all: true)).GetValueOrDefault(leaving) == "dead", "the stopped silo to be dead in the membership", TimeSpan.FromSeconds(15));
        var shown = await SilosAsync(http, all: false);
        var status = await CliRunner.RunRawAsync(["status", "--url", $"http://127.0.0.1:{stays.HttpPort}", "--key", key]);
        var statusAll = await CliRunner.RunRawAsync(["status", "--all", "--url", $"http://127.0.0.1:{stays.HttpPort}", "--key", key]);
        Assert.Equal(["active"], shown.Values);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.DoesNotContain(leaving, status.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("dead", status.Output, StringComparison.Ordinal);
        Assert.True(statusAll.ExitCode == 0, statusAll.ToString());
        Assert.Matches($@"{leaving}\s*[│|]\s*dead", statusAll.Output);

        await Eventually.TrueAsync(async () => !(await SilosAsync(http, all: true)).ContainsKey(leaving), "the dead silo to be cleaned from the membership", TimeSpan.FromSeconds(90));
        Assert.Equal(1, await MembershipRowsAsync());
    }

    // The silos the API lists, keyed by the ":port" of their endpoint ("address:port"), with their status.
    private static async Task<Dictionary<string, string>> SilosAsync(HttpClient http, bool all)
    {
        var cluster = await http.GetFromJsonAsync<JsonElement>(all ? "/api/cluster?all=true" : "/api/cluster");
        return cluster.GetProperty("silos").EnumerateArray().ToDictionary(
            s => s.GetProperty("endpoint").GetString()![s.GetProperty("endpoint").GetString()!.LastIndexOf(':')..],
            s => s.GetProperty("status").GetString()!);
    }

    private async Task<long> MembershipRowsAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM orleans_membership");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
