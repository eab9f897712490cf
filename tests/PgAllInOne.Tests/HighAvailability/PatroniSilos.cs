using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using PgAllInOne.Tests.Cluster;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.HighAvailability;

/// <summary>
/// The high-availability tests' shared world: a Patroni cluster of three PostgreSQL nodes and three silo processes given
/// its three hosts, as an operator would configure them. Each test first waits for what it needs (at most
/// <see cref="HealthyAsync"/>), so that it passes whatever the test before left; the failover scenarios run in order, each
/// leaving what the next one starts from.
/// </summary>
public sealed class PatroniSilos : PatroniCluster, IAsyncLifetime
{
    /// <summary>The standbys' lag bound the silos are given: short, so that a test can outlast it.</summary>
    public static readonly TimeSpan MaxStandbyLag = TimeSpan.FromSeconds(2);

    private readonly List<SiloProcess> silos = [];

    /// <summary>
    /// Plain <c>synchronous_mode</c>, as shipped; <c>PGAIO_PATRONI_STRICT=1</c> starts the cluster with
    /// <c>synchronous_mode_strict</c> instead, to measure its write gap with the same scenarios (benchmarks/README.md).
    /// </summary>
    public PatroniSilos()
        : base(strict: Environment.GetEnvironmentVariable("PGAIO_PATRONI_STRICT") == "1")
    {
    }

    public IReadOnlyList<SiloProcess> Silos => silos;

    public string AdminKey { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        silos.AddRange(Enumerable.Range(0, 3).Select(_ => SiloProcess.Start(ConnectionString, "Warning", $"--Postgres:MaxStandbyLag={MaxStandbyLag}")));
        await Task.WhenAll(silos.Select(s => s.WaitUntilReadyAsync()));
        AdminKey = silos.Select(s => s.AdminKey).FirstOrDefault(k => k is not null) ?? throw new InvalidOperationException("No silo wrote an admin key.");
    }

    public override async Task DisposeAsync()
    {
        silos.ForEach(s => s.Dispose());
        await base.DisposeAsync();
    }

    public List<HttpClient> Clients() => [.. silos.Select(s => s.Http(AdminKey, HaLoad.RequestTimeout))];

    /// <summary>The cluster healthy (<see cref="PatroniCluster.HealthyAsync"/>), every silo running and ready, and every silo seeing every host as it is.</summary>
    public new async Task HealthyAsync(TimeSpan? within = null)
    {
        await base.HealthyAsync(within);
        foreach (var silo in silos.Where(s => !s.IsRunning))
        {
            silo.Restart();
        }

        await Task.WhenAll(silos.Select(s => s.WaitUntilReadyAsync()));
        await Eventually.TrueAsync(async () => (await Task.WhenAll(silos.Select(async s => CountRoles(await ReadyAsync(s))))).All(r => r == (1, 2)), "every silo to see one primary and two standbys", interval: PollInterval);
    }

    /// <summary>The silo's /readyz body.</summary>
    public static async Task<JsonElement> ReadyAsync(SiloProcess silo)
    {
        using var http = silo.Http(timeout: TimeSpan.FromSeconds(5));
        try
        {
            return await http.GetFromJsonAsync<JsonElement>("/readyz");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
        {
            return default;
        }
    }

    /// <summary>Standby reads served so far by every host (or by <paramref name="node"/>), from every silo's /metrics.</summary>
    public async Task<long> StandbyReadsAsync(PatroniNode? node = null)
    {
        long total = 0;
        foreach (var silo in silos.Where(s => s.IsRunning))
        {
            using var http = silo.Http(AdminKey, TimeSpan.FromSeconds(10));
            var text = await http.GetStringAsync("/metrics");
            total += text.Split('\n')
                .Where(l => l.StartsWith("pgaio_postgres_standby_reads_total{", StringComparison.Ordinal))
                .Where(l => node is null || l.Contains($"host=\"{node.Host}\"", StringComparison.Ordinal))
                .Sum(l => (long)double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        return total;
    }

    /// <summary>Silos active in the membership table (read on the primary).</summary>
    public async Task<long> ActiveSilosAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString + ";Target Session Attributes=primary");
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM orleans_membership WHERE status = 3");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static (int Primaries, int Standbys) CountRoles(JsonElement ready)
    {
        if (ready.ValueKind != JsonValueKind.Object || !ready.TryGetProperty("postgres", out var hosts))
        {
            return (0, 0);
        }

        var roles = hosts.EnumerateArray().Select(h => h.GetProperty("role").GetString()).ToList();
        return (roles.Count(r => r == "primary"), roles.Count(r => r == "standby"));
    }
}
