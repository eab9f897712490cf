using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using PgAllInOne.Runtime.Hosting;
using PgAllInOne.Runtime.Membership;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Cluster;

[Collection(PostgresCollection.Name)]
public sealed class MembershipTests(PostgresFixture postgres)
{
    private static readonly Dictionary<string, string?> FastDetection = new()
    {
        ["Membership:HeartbeatPeriod"] = "00:00:00.100",
        ["Membership:DeathTimeout"] = "00:00:02",
    };

    private static string SiloId(TestSilo silo) => silo.Services.GetRequiredService<SiloStatus>().SiloId;

    private static MembershipView View(TestSilo silo) => silo.Services.GetRequiredService<MembershipService>().View;

    [Fact]
    public async Task SilosSharingADatabaseAndClusterId_SeeEachOtherActive()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var first = await TestSilo.StartAsync(database, FastDetection);
        await using var second = await TestSilo.StartAsync(database, FastDetection);
        await using var elsewhere = await TestSilo.StartAsync(database, new Dictionary<string, string?>(FastDetection) { ["Silo:ClusterId"] = "other" });

        await Eventually.TrueAsync(() => View(first).ActiveSilos.Count == 2 && View(second).ActiveSilos.Count == 2, "both silos to see two active silos");

        Assert.Equal(
            new[] { SiloId(first), SiloId(second) }.Order(StringComparer.Ordinal),
            View(first).ActiveSilos.Select(s => s.SiloId));
        Assert.Equal([SiloId(elsewhere)], View(elsewhere).ActiveSilos.Select(s => s.SiloId));
    }

    [Fact]
    public async Task ASilentSilo_IsDeclaredDeadByALiveOne()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var live = await TestSilo.StartAsync(database, FastDetection);
        await ExecuteAsync(database, "INSERT INTO silo_membership (cluster_id, silo_id, generation, endpoint, status, last_heartbeat) VALUES ('default', 'killed-silo', 1, '127.0.0.1:1', 'active', now())");

        await Eventually.TrueAsync(() => View(live).Silos.Any(s => s.SiloId == "killed-silo" && s.Status == SiloEntry.Dead), "the silent silo to be declared dead", TimeSpan.FromSeconds(10));

        Assert.Equal(SiloId(live), await ScalarAsync(database, "SELECT declared_dead_by FROM silo_membership WHERE silo_id = 'killed-silo'"));
        Assert.Equal([SiloId(live)], View(live).ActiveSilos.Select(s => s.SiloId));
    }

    [Fact]
    public async Task ASiloDeclaredDeadByOthers_StopsServing()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var silo = await TestSilo.StartAsync(database, FastDetection);
        var stopping = silo.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        await ExecuteAsync(database, $"UPDATE silo_membership SET status = 'dead', declared_dead_by = 'someone' WHERE silo_id = '{SiloId(silo)}'");

        await Eventually.TrueAsync(() => stopping.IsCancellationRequested, "the silo to stop itself");
        Assert.False(silo.Services.GetRequiredService<SiloStatus>().IsActive);
    }

    [Fact]
    public async Task AGracefulStop_LeavesTheMembershipAsDead()
    {
        var database = await postgres.CreateDatabaseAsync();
        var silo = await TestSilo.StartAsync(database, FastDetection);
        var id = SiloId(silo);
        Assert.Equal("active", await ScalarAsync(database, $"SELECT status FROM silo_membership WHERE silo_id = '{id}'"));

        await silo.DisposeAsync();

        Assert.Equal("dead", await ScalarAsync(database, $"SELECT status FROM silo_membership WHERE silo_id = '{id}'"));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }
}
