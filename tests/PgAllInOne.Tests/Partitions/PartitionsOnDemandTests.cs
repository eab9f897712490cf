using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Grains.Devices;
using PgAllInOne.Grains.Partitions;
using PgAllInOne.Grains.Users;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Partitions;

/// <summary>The writers give a batch's periods their partitions before writing: history lands in partitions of its own months and days.</summary>
public sealed class PartitionsOnDemandTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task BackfilledEventsAndReadings_LandInPartitionsOfTheirPeriods_NotInTheDefault()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();
        using var catalog = new PartitionCatalog(dataSource, TimeProvider.System);
        var userId = await ScalarAsync<long>(dataSource, "INSERT INTO users (username, email) VALUES ('u', 'u@example.com') RETURNING id");
        await using (var events = new EventWriter(CommitLogOf(dataSource), catalog))
        {
            await events.WriteAsync(userId, [new NewEvent("old", Timestamp: new DateTimeOffset(2001, 3, 5, 23, 30, 0, TimeSpan.FromHours(-5))), new NewEvent("old", Timestamp: new DateTimeOffset(2001, 7, 1, 0, 0, 0, TimeSpan.Zero))], Now);
            await events.WriteAsync(userId, [new NewEvent("now")], Now);
        }

        await using (var readings = new MetricsWriter(CommitLogOf(dataSource), catalog))
        {
            await readings.WriteAsync("d1", [new MetricReading("temp", 1, new DateTimeOffset(2001, 3, 5, 12, 0, 0, TimeSpan.Zero)), new MetricReading("temp", 2, new DateTimeOffset(2001, 3, 6, 12, 0, 0, TimeSpan.Zero)), new MetricReading("temp", 3)], Now);
        }

        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM events_default"));
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics_default"));
        Assert.Equal("events_p2001_03,events_p2001_07,events_p2026_12", await ScalarAsync<string>(dataSource, "SELECT string_agg(DISTINCT tableoid::regclass::text, ',') FROM events"));
        Assert.Equal("metrics_p2001_03_05,metrics_p2001_03_06,metrics_p2026_12_01", await ScalarAsync<string>(dataSource, "SELECT string_agg(DISTINCT tableoid::regclass::text, ',') FROM metrics"));
    }

    [Fact]
    public async Task APeriodWhoseRowsWaitInTheDefault_IsLeftToMaintenance_AndTheWriteStillSucceeds()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();
        await Sql.ExecuteAsync(dataSource, "INSERT INTO metrics (time, device_id, metric, value) VALUES ('2001-03-05T01:00:00Z', 'd0', 'temp', 0)");
        using var catalog = new PartitionCatalog(dataSource, TimeProvider.System);
        await using var readings = new MetricsWriter(CommitLogOf(dataSource), catalog);

        Assert.Equal(1, await readings.WriteAsync("d1", [new MetricReading("temp", 1, new DateTimeOffset(2001, 3, 5, 12, 0, 0, TimeSpan.Zero))], Now));

        Assert.Equal(2L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics_default"));
    }

    private static CommitLog CommitLogOf(NpgsqlDataSource dataSource) => new(dataSource, TimeSpan.FromSeconds(5), TimeProvider.System, NullLogger<CommitLog>.Instance);

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
