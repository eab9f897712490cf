using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.Grains;
using PgAllInOne.Grains.Compaction;
using PgAllInOne.Grains.Devices;
using PgAllInOne.Grains.Maintenance;
using PgAllInOne.Grains.Partitions;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;
using static PgAllInOne.Tests.Compaction.ReferenceReadings;

namespace PgAllInOne.Tests.Compaction;

/// <summary>Compaction of cold metric days: its size, retention, writers and readers meanwhile, a death mid-way, the job's schedule.</summary>
public sealed class MetricCompactionTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = T0 + TimeSpan.FromDays(5);

    private static MetricCompaction Compaction(NpgsqlDataSource dataSource, TimeSpan? lockTimeout = null) =>
        new(dataSource, Options.Create(new MetricsOptions { CompressAfter = TimeSpan.FromDays(1) })) { LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task ARealisticDay_TenDevicesThreeMetricsEveryTenSeconds_IsAtLeastFiveTimesSmallerCompacted()
    {
        await using var dataSource = await DatabaseAsync(postgres, T0, days: 1);
        // Sensor-like values: a slow wave plus noise, two decimals; no tags (as most readings).
        await ExecuteAsync(dataSource, """
            INSERT INTO metrics (time, device_id, metric, value)
            SELECT TIMESTAMPTZ '2026-03-01T00:00:00Z' + s * interval '10 seconds', 'device-' || d, m,
                   round((20 + 5 * sin(s / 500.0 + d) + random())::numeric, 2)::float8
            FROM generate_series(0, 8639) s, generate_series(1, 10) d, unnest(ARRAY['temp', 'humidity', 'power']) m
            """);
        var raw = await ScalarAsync<long>(dataSource, "SELECT pg_total_relation_size('metrics_p2026_03_01')");
        var sum = await ScalarAsync<double>(dataSource, "SELECT sum(value) FROM metrics");

        var report = await Compaction(dataSource).RunOnceAsync(Now);

        var compacted = await ScalarAsync<long>(dataSource, "SELECT pg_total_relation_size('metrics_compact_p2026_03_01') + pg_total_relation_size('metrics_p2026_03_01')");
        output.WriteLine($"259,200 readings: raw {raw:N0} bytes ({raw / 259_200.0:0.0} per reading, heap and indexes), compacted {compacted:N0} bytes ({compacted / 259_200.0:0.0} per reading, heap, TOAST and indexes): {raw / (double)compacted:0.0}x");
        Assert.Equal(259_200L, report.Readings);
        Assert.True(raw >= 5 * compacted, $"raw {raw} bytes, compacted {compacted} bytes");
        Assert.Equal(259_200L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metric_readings('-infinity', 'infinity')"));
        Assert.Equal(sum, await ScalarAsync<double>(dataSource, "SELECT sum(value) FROM (SELECT value FROM metric_readings('-infinity', 'infinity') ORDER BY time, device_id, metric) r"), 6);
    }

    [Fact]
    public async Task Retention_DropsCompactedDaysWhole()
    {
        await using var dataSource = await DatabaseAsync(postgres, T0, days: 2);
        await InsertAsync(dataSource, new Random(5), 200, T0, TimeSpan.FromDays(2));
        await Compaction(dataSource).RunOnceAsync(Now);
        var secondDay = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM reference WHERE time >= '2026-03-02T00:00:00Z'");

        // Retention of 4 days on 2026-03-06: 2026-03-01 is past it, 2026-03-02 is kept.
        var report = await new PartitionMaintenance(dataSource, Options.Create(new MaintenanceOptions { MetricRetentionDays = 4, MetricDaysAhead = 0 })).RunOnceAsync(Now);

        Assert.Contains("metrics_p2026_03_01", report.Dropped);
        Assert.Contains("metrics_compact_p2026_03_01", report.Dropped);
        Assert.DoesNotContain("metrics_compact_p2026_03_02", report.Dropped);
        Assert.Equal("metrics_compact_p2026_03_02", await ScalarAsync<string>(dataSource, "SELECT string_agg(inhrelid::regclass::text, ',') FROM pg_inherits WHERE inhparent = 'metrics_compact'::regclass"));
        Assert.Equal(secondDay, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metric_readings('-infinity', 'infinity')"));
    }

    [Fact]
    public async Task WritersIntoTheDay_WhileItIsCompacted_LoseNothingAndDoubleNothing()
    {
        await using var dataSource = await DatabaseAsync(postgres, T0, days: 1);
        await InsertAsync(dataSource, new Random(6), 20_000, T0, TimeSpan.FromDays(1));
        using var catalog = new PartitionCatalog(dataSource, TimeProvider.System);
        await using var writer = new MetricsWriter(new CommitLog(dataSource, TimeSpan.FromSeconds(5), TimeProvider.System, NullLogger<CommitLog>.Instance), catalog);
        using var stop = new CancellationTokenSource();
        var written = 0;

        // Late readings through the product's writer, one batch after another, all the while the day is compacted.
        var writing = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested || i < 3; i++)
            {
                var time = T0 + TimeSpan.FromSeconds(i * 11 % 86_400);
                await writer.WriteAsync("late", [new MetricReading("temp", i, time)], Now);
                await ExecuteAsync(dataSource, $"INSERT INTO reference (time, device_id, metric, value) VALUES ('{time:O}', 'late', 'temp', {i})");
                written++;
            }
        });
        var first = await Compaction(dataSource).RunOnceAsync(Now);
        await stop.CancelAsync();
        await writing;
        var second = await Compaction(dataSource).RunOnceAsync(Now);

        output.WriteLine($"{written} late readings written during the compaction of 20,000 ({first.Readings} moved, then {second.Readings})");
        Assert.Equal(20_000L + written, first.Readings + second.Readings);
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics"));
    }

    [Fact]
    public async Task AReaderHoldingTheDay_DefersOnlyTheTruncation_TheNextRoundGivesThePagesBack()
    {
        await using var dataSource = await DatabaseAsync(postgres, T0, days: 1);
        await InsertAsync(dataSource, new Random(7), 500, T0, TimeSpan.FromDays(1));
        await using var reader = await dataSource.OpenConnectionAsync();
        await using var reading = await reader.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using (var hold = new NpgsqlCommand("LOCK TABLE events, metrics, metrics_compact IN ACCESS SHARE MODE; SELECT count(*) FROM metric_readings('-infinity', 'infinity')", reader, reading))
        {
            Assert.Equal(500L, (long)(await hold.ExecuteScalarAsync())!); // the reader's snapshot: every reading raw
        }

        var held = await Compaction(dataSource).RunOnceAsync(Now);

        Assert.Equal(["metrics_p2026_03_01"], held.Deferred);
        Assert.Equal(500L, held.Readings);
        await using (var again = new NpgsqlCommand("SELECT count(*) FROM metric_readings('-infinity', 'infinity')", reader, reading))
        {
            Assert.Equal(500L, (long)(await again.ExecuteScalarAsync())!); // still its snapshot's readings, each once
        }

        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference)); // a new snapshot: all compacted, each once
        Assert.True(await ScalarAsync<long>(dataSource, "SELECT pg_relation_size('metrics_p2026_03_01')") > 0);
        await reading.CommitAsync();

        var next = await Compaction(dataSource).RunOnceAsync(Now);

        Assert.Equal(["metrics_p2026_03_01"], next.Compacted);
        Assert.Empty(next.Deferred);
        Assert.Equal(0L, next.Readings);
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT pg_relation_size('metrics_p2026_03_01')"));
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));
    }

    [Fact]
    public async Task ASiloDyingMidCompaction_LeavesEveryReadingRawOnce_AndTheNextRoundCompacts()
    {
        await using var dataSource = await DatabaseAsync(postgres, T0, days: 1);
        await InsertAsync(dataSource, new Random(8), 500, T0, TimeSpan.FromDays(1));
        // The compaction moves the day's rows and waits for the day's lock (a reader holds it): then its connection dies.
        await DiesWaitingForTheDayAsync(dataSource, "metrics_p2026_03_01", () => Compaction(dataSource, lockTimeout: TimeSpan.FromMinutes(1)).RunOnceAsync(Now));

        Assert.Equal(500L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics_p2026_03_01"));
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'metrics_compact'::regclass"));
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));

        var next = await Compaction(dataSource).RunOnceAsync(Now);

        Assert.Equal(500L, next.Readings);
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics"));
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));
    }

    [Fact]
    public async Task TheMaintenanceService_CompactsDaysOlderThanMetricsCompressAfter_OnItsClock()
    {
        await using var dataSource = await DatabaseAsync(postgres, T0, days: 3);
        await InsertAsync(dataSource, new Random(9), 300, T0, TimeSpan.FromDays(3));
        var clock = new FakeTimeProvider(T0 + TimeSpan.FromDays(3) + TimeSpan.FromHours(12));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Maintenance:Interval"] = "1.00:00:00",
            ["Maintenance:MetricRetentionDays"] = "3650",
            ["Metrics:CompressAfter"] = "2.00:00:00",
        });
        builder.Services.AddKeyedSingleton(PostgresDatabase.AdminKey, dataSource);
        builder.Services.AddKeyedSingleton<TimeProvider>(DataClock.Key, clock);
        builder.Services.AddPartitionMaintenance(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();

        // At 03-04 12:00 the days that ended two days before: 03-01 only. A day later, 03-02 too.
        await Eventually.TrueAsync(async () => await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics_p2026_03_01") == 0, "03-01 compacted at start");
        Assert.True(await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics_p2026_03_02") > 0);
        clock.Advance(TimeSpan.FromDays(1));
        await Eventually.TrueAsync(async () => await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics_p2026_03_02") == 0, "03-02 compacted a day later");
        Assert.True(await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics_p2026_03_03") > 0);
        await host.StopAsync();
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));
    }

    [Theory]
    [InlineData("00:59:59")]
    [InlineData("-1.00:00:00")]
    [InlineData("36501.00:00:00")]
    public void CompressAfter_OutsideOneHourTo36500Days_IsRefused(string value)
    {
        var result = new MetricsOptionsValidator().Validate(null, new MetricsOptions { CompressAfter = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.Contains("Metrics:CompressAfter", result.FailureMessage, StringComparison.Ordinal);
    }
}
