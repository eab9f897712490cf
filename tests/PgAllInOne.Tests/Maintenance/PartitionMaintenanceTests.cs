using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PgAllInOne.Grains;
using PgAllInOne.Grains.Maintenance;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Maintenance;

public sealed class PartitionMaintenanceTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static PartitionMaintenance Maintenance(NpgsqlDataSource dataSource, int retentionDays = 30) =>
        new(dataSource, Options.Create(new MaintenanceOptions { EventMonthsAhead = 2, MetricDaysAhead = 3, MetricRetentionDays = retentionDays }));

    [Fact]
    public async Task PartitionsAreCreatedAhead_AndASecondRoundChangesNothing()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();

        var first = await Maintenance(dataSource).RunOnceAsync(Now);
        var second = await Maintenance(dataSource).RunOnceAsync(Now);

        Assert.Equal(["events_p2026_11", "events_p2026_12", "events_p2027_01", "metrics_p2026_11_22", "metrics_p2026_11_23", "metrics_p2026_11_24", "metrics_p2026_11_25"], first.Created);
        Assert.Empty(second.Created);
        Assert.Empty(second.Dropped);
    }

    [Fact]
    public async Task CommitLogEntries_OlderThanTheirWindow_ArePurged_AndNewerOnesKept()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();
        Guid[] ids = [Guid.CreateVersion7(Now.AddHours(-3)), Guid.CreateVersion7(Now.AddMinutes(-61)), Guid.CreateVersion7(Now.AddMinutes(-59)), Guid.CreateVersion7(Now)];
        await using (var insert = dataSource.CreateCommand("INSERT INTO group_commit_log (id) SELECT unnest($1::uuid[])"))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
            await insert.ExecuteNonQueryAsync();
        }

        var report = await new PartitionMaintenance(dataSource, Options.Create(new MaintenanceOptions { CommitLogRetention = TimeSpan.FromHours(1) })).RunOnceAsync(Now);

        Assert.Equal(2, report.PurgedCommits);
        await using var left = dataSource.CreateCommand("SELECT array_agg(id ORDER BY id) FROM group_commit_log");
        Assert.Equal(ids[2..], (Guid[])(await left.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task RowsWaitingInTheDefaultPartitions_GetPartitionsOfTheirOwnPeriods_PastOrFuture_InOneRound()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();
        await Sql.ExecuteAsync(dataSource, "INSERT INTO events (user_id, type, occurred_at) VALUES (1, 'early', '2026-12-05T08:00:00Z'), (1, 'later', '2027-06-01T00:00:00Z'), (1, 'history', '2001-02-28T23:59:59Z')");
        await Sql.ExecuteAsync(dataSource, "INSERT INTO metrics (time, device_id, metric, value) SELECT TIMESTAMPTZ '2026-11-01T00:00:00Z' + i * interval '1 hour', 'd1', 'temp', i FROM generate_series(0, 47) i");
        Assert.Equal("events_default", await ScalarAsync(dataSource, "SELECT tableoid::regclass::text FROM events WHERE type = 'early'"));

        var report = await Maintenance(dataSource).RunOnceAsync(Now);

        Assert.False(report.Skipped);
        Assert.Equal("events_p2026_12", await ScalarAsync(dataSource, "SELECT tableoid::regclass::text FROM events WHERE type = 'early'"));
        Assert.Equal("events_p2027_06", await ScalarAsync(dataSource, "SELECT tableoid::regclass::text FROM events WHERE type = 'later'"));
        Assert.Equal("events_p2001_02", await ScalarAsync(dataSource, "SELECT tableoid::regclass::text FROM events WHERE type = 'history'"));
        Assert.Contains("metrics_p2026_11_01", report.Created);
        Assert.Contains("metrics_p2026_11_02", report.Created);
        Assert.Equal(0L, await ScalarAsync(dataSource, "SELECT count(*) FROM events_default"));
        Assert.Equal(0L, await ScalarAsync(dataSource, "SELECT count(*) FROM metrics_default"));
        Assert.Equal(3L, await ScalarAsync(dataSource, "SELECT count(*) FROM events"));
        Assert.Equal(24L, await ScalarAsync(dataSource, "SELECT count(*) FROM metrics_p2026_11_02"));
    }

    [Fact]
    public async Task MetricPartitionsPastRetention_AreDroppedWhole()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();
        await Maintenance(dataSource, retentionDays: 365).RunOnceAsync(Now.AddDays(-40));
        await Sql.ExecuteAsync(dataSource, "INSERT INTO metrics (time, device_id, metric, value) VALUES ('2026-10-13T12:00:00Z', 'd1', 'temp', 1), ('2026-11-22T09:00:00Z', 'd1', 'temp', 2), ('2020-01-01T00:00:00Z', 'd1', 'temp', 3)");

        var report = await Maintenance(dataSource, retentionDays: 30).RunOnceAsync(Now);

        Assert.Contains("metrics_p2026_10_13", report.Dropped);
        Assert.DoesNotContain(report.Dropped, name => string.CompareOrdinal(name, "metrics_p2026_10_23") >= 0);
        var remaining = await ValuesAsync(dataSource);
        Assert.Equal(2.0, Assert.Single(remaining));
    }

    [Fact]
    public async Task ExpiredRecords_AreDeleted_OthersKept()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();
        await Sql.ExecuteAsync(dataSource, "INSERT INTO records (id, data, expires_at) VALUES ('gone', '{}', '2026-11-22T09:59:59Z'), ('kept', '{}', '2026-11-22T10:00:01Z'), ('forever', '{}', NULL)");

        var report = await Maintenance(dataSource).RunOnceAsync(Now);

        Assert.Equal(1, report.ExpiredRecords);
        Assert.Equal(2L, await ScalarAsync(dataSource, "SELECT count(*) FROM records"));
    }

    [Fact]
    public async Task SilosRunningMaintenanceTogether_DoTheWorkOnce()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();

        var reports = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Maintenance(dataSource).RunOnceAsync(Now))));

        Assert.Equal(7, reports.Sum(r => r.Created.Count));
        Assert.Equal(7L, await ScalarAsync(dataSource, "SELECT count(*) FROM pg_inherits WHERE inhparent IN ('events'::regclass, 'metrics'::regclass) AND inhrelid::regclass::text LIKE '%\\_p%'"));
    }

    private static async Task<object?> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<double[]> ValuesAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT array_agg(value ORDER BY value) FROM metrics");
        return (double[])(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task TheService_RunsAtStart_ThenOncePerIntervalOfItsClock()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();
        var clock = new FakeTimeProvider(Now);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Maintenance:Interval"] = "1.00:00:00",
            ["Maintenance:EventMonthsAhead"] = "0",
            ["Maintenance:MetricDaysAhead"] = "0",
            ["Audit:RetentionDays"] = "1",
        });
        await AuditEntriesAsync(dataSource, Now.AddHours(-36), Now.AddHours(-12));
        builder.Services.AddKeyedSingleton(PostgresDatabase.AdminKey, dataSource);
        builder.Services.AddKeyedSingleton<TimeProvider>(DataClock.Key, clock);
        builder.Services.AddPartitionMaintenance(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();

        await Eventually.TrueAsync(async () => await CountAsync(dataSource, "metrics_p2026_11_22") == 1, "the first round, at start");
        Assert.Equal(0, await CountAsync(dataSource, "metrics_p2026_11_23"));
        Assert.Equal(1L, await ScalarAsync(dataSource, "SELECT count(*) FROM audit_log"));

        clock.Advance(TimeSpan.FromDays(1));
        await Eventually.TrueAsync(async () => await CountAsync(dataSource, "metrics_p2026_11_23") == 1, "a round one interval later");
        await Eventually.TrueAsync(async () => (long)(await ScalarAsync(dataSource, "SELECT count(*) FROM audit_log"))! == 0, "the audit entry past its day deleted by the clock's next round");
        await host.StopAsync();
    }

    [Fact]
    public async Task AuditEntries_PastTheirRetention_AreDeleted_AndNewerOnesKept()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();
        await AuditEntriesAsync(dataSource, Now.AddDays(-400), Now.AddDays(-366), Now.AddDays(-364), Now);

        var report = await new PartitionMaintenance(dataSource, Options.Create(new MaintenanceOptions()), Options.Create(new PgAllInOne.Grains.Audit.AuditOptions())).RunOnceAsync(Now);

        Assert.Equal(2, report.ExpiredAuditEntries);
        Assert.Equal(2L, await ScalarAsync(dataSource, "SELECT count(*) FROM audit_log"));
    }

    private static async Task AuditEntriesAsync(NpgsqlDataSource dataSource, params DateTimeOffset[] times)
    {
        await using var insert = dataSource.CreateCommand("INSERT INTO audit_log (at, action, target) SELECT unnest($1::timestamptz[]), 'key.created', 'keys/1'");
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = times });
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string partition)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM pg_class WHERE relname = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = partition });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
