using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Grains;
using PgAllInOne.Grains.Archive;
using PgAllInOne.Grains.Compaction;
using PgAllInOne.Grains.Maintenance;
using PgAllInOne.Grains.Rollups;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;
using static PgAllInOne.Tests.Compaction.ReferenceReadings;

namespace PgAllInOne.Tests.Archive;

/// <summary>
/// The Parquet archive of cold metric days: what a file holds and what an attach restores (exactly the readings, tags
/// included, compacted or raw days), late writes, a death mid-way, a write racing the export, bad files, the job's
/// schedule, the options.
/// </summary>
public sealed class MetricArchiveTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = T0 + TimeSpan.FromDays(5);
    private const string DeviceDigest = "SELECT md5(string_agg(concat_ws('|', time, device_id, metric, value, tags), ',' ORDER BY time, metric, value, tags::text)) FROM metric_readings('2026-03-01', '2026-03-04') WHERE device_id = 'd1'";
    private const string RollupDigest = "SELECT md5((SELECT string_agg(m::text, ',' ORDER BY m::text) FROM metrics_1m m) || (SELECT string_agg(h::text, ',' ORDER BY h::text) FROM metrics_1h h))";

    private readonly TempFolder folder = new("pgaio-archive");
    private readonly LogLines log = new();

    public void Dispose()
    {
        foreach (var line in log.Lines)
        {
            output.WriteLine(line);
        }

        folder.Dispose();
    }

    private MetricsOptions Options_(TimeSpan? archiveAfter = null) =>
        new() { CompressAfter = TimeSpan.FromDays(1), ArchiveAfter = archiveAfter ?? TimeSpan.FromDays(1), ArchiveDirectory = folder.Path };

    private MetricArchive Archive(NpgsqlDataSource dataSource, Func<DateOnly, Task>? beforeEmptying = null, TimeSpan? lockTimeout = null) =>
        new(dataSource, Options.Create(Options_()), new Logger<MetricArchive>(new LoggerFactory([log]))) { BeforeEmptying = beforeEmptying, LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(1) };

    private ArchiveAttach Attach(NpgsqlDataSource dataSource) =>
        new(dataSource, Options.Create(Options_()), Options.Create(new MaintenanceOptions { MetricRetentionDays = 3650 }));

    private static readonly DateOnly Day1 = new(2026, 3, 1);

    /// <summary>The rollup job folds every queued hour (a day is archived only once its rollups hold all its readings).</summary>
    private static Task FoldAsync(NpgsqlDataSource dataSource, DateTimeOffset? now = null) =>
        new RollupJob(dataSource, Options.Create(new RollupOptions { MaxHoursPerRound = 24 * 7 })).RunOnceAsync(now ?? Now);

    [Fact]
    public async Task ArchivedDays_CompactedOrRaw_HoldExactlyTheirReadings_AndAttachRestoresThemAsBefore_RollupsUnchanged()
    {
        await using var dataSource = await DatabaseAsync(postgres, T0, days: 3);
        await InsertAsync(dataSource, new Random(21), 3000, T0, TimeSpan.FromDays(3));
        await FoldAsync(dataSource);
        // 03-01 compacted, 03-02 and 03-03 raw.
        await new MetricCompaction(dataSource, Options.Create(new MetricsOptions { CompressAfter = TimeSpan.FromDays(3.5) })).RunOnceAsync(Now);
        Assert.True(await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics_compact") > 0);
        var device = await ScalarAsync<string>(dataSource, DeviceDigest);
        var rollups = await ScalarAsync<string>(dataSource, RollupDigest);
        var queued = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM rollup_dirty");

        var report = await Archive(dataSource).RunOnceAsync(Now);

        Assert.Equal([Day1, Day1.AddDays(1), Day1.AddDays(2)], report.Archived);
        Assert.Equal(3000L, report.Readings);
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metric_readings('-infinity', 'infinity')"));
        Assert.Equal(rollups, await ScalarAsync<string>(dataSource, RollupDigest)); // the day's rollups stay
        Assert.Equal(queued, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM rollup_dirty"));
        var listed = await Attach(dataSource).ListAsync();
        foreach (var day in listed)
        {
            var range = $"time >= '{day.Day:yyyy-MM-dd}' AND time < '{day.Day.AddDays(1):yyyy-MM-dd}'";
            Assert.Equal(await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM reference WHERE {range}"), day.Readings);
            Assert.Equal((1, (DateTimeOffset?)null, Now), (day.Generation, day.AttachedAt, day.ArchivedAt));
            await LoadFileAsync(dataSource, Path.Combine(folder.Path, day.File));
            Assert.Equal(0L, await DifferenceAsync(dataSource, "SELECT time, device_id, metric, value, tags FROM from_file", $"{Reference} WHERE {range}"));
        }

        foreach (var day in listed)
        {
            Assert.Equal(Now + TimeSpan.FromMinutes(1), (await Attach(dataSource).AttachAsync(day.Day, Now + TimeSpan.FromMinutes(1))).AttachedAt);
        }

        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));
        Assert.Equal(device, await ScalarAsync<string>(dataSource, DeviceDigest));
        await Assert.ThrowsAsync<ConflictException>(() => Attach(dataSource).AttachAsync(Day1, Now)); // attached already: nothing doubled
        await FoldAsync(dataSource, Now + TimeSpan.FromMinutes(10));
        Assert.Equal(rollups, await ScalarAsync<string>(dataSource, RollupDigest)); // the hours attach queued, folded again alike

        // Attached days stay in PostgreSQL for ArchiveAfter from their attach, then are archived again (the next generation).
        Assert.Empty((await Archive(dataSource).RunOnceAsync(Now + TimeSpan.FromHours(23))).Archived);
        var again = await Archive(dataSource).RunOnceAsync(Now + TimeSpan.FromDays(1.1));
        Assert.Equal(3, again.Archived.Count);
        Assert.All(await Attach(dataSource).ListAsync(), day => Assert.Equal((2, (DateTimeOffset?)null), (day.Generation, day.AttachedAt)));
        Assert.Equal(["metrics_2026_03_01.g2.parquet", "metrics_2026_03_02.g2.parquet", "metrics_2026_03_03.g2.parquet"], Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReadingsWrittenIntoAnArchivedDay_AreArchivedAgain_InTheNextGenerationWithTheEarlierFilesReadings()
    {
        await using var dataSource = await DatabaseAsync(postgres, T0, days: 1);
        await InsertAsync(dataSource, new Random(22), 400, T0, TimeSpan.FromDays(1));
        await FoldAsync(dataSource);
        await Archive(dataSource).RunOnceAsync(Now);
        await InsertAsync(dataSource, new Random(23), 30, T0, TimeSpan.FromDays(1));
        Assert.Equal([Day1], (await Archive(dataSource).RunOnceAsync(Now)).Left); // its late hours not folded yet
        await FoldAsync(dataSource);

        var report = await Archive(dataSource).RunOnceAsync(Now);

        Assert.Equal(30L, report.Readings);
        var day = Assert.Single(await Attach(dataSource).ListAsync());
        Assert.Equal((2, 430L, "metrics_2026_03_01.g2.parquet"), (day.Generation, day.Readings, day.File));
        Assert.Equal(["metrics_2026_03_01.g2.parquet"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
        await Attach(dataSource).AttachAsync(Day1, Now);
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));
    }

    [Fact]
    public async Task ASiloDyingBeforeOrDuringTheDaysTransaction_LeavesEveryReadingInPostgreSql_AndTheRetryArchivesThemOnce()
    {
        await using var dataSource = await DatabaseAsync(postgres, T0, days: 1);
        await InsertAsync(dataSource, new Random(24), 500, T0, TimeSpan.FromDays(1));
        await FoldAsync(dataSource);

        // Dead once the file is durable: the file is there, unrecorded; the readings are all in PostgreSQL.
        await Assert.ThrowsAsync<InvalidOperationException>(() => Archive(dataSource, _ => throw new InvalidOperationException("the silo died")).RunOnceAsync(Now));
        Assert.True(File.Exists(Path.Combine(folder.Path, "metrics_2026_03_01.parquet")));
        Assert.Empty(await Attach(dataSource).ListAsync());
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));

        // Dead while waiting for the day's partitions (a reader holds them): its transaction rolls back whole.
        await DiesWaitingForTheDayAsync(dataSource, "metrics_p2026_03_01", () => Archive(dataSource, lockTimeout: TimeSpan.FromMinutes(1)).RunOnceAsync(Now));

        Assert.Empty(await Attach(dataSource).ListAsync());
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));

        var retry = await Archive(dataSource).RunOnceAsync(Now);

        Assert.Equal((500L, 500L), (retry.Readings, Assert.Single(await Attach(dataSource).ListAsync()).Readings));
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metric_readings('-infinity', 'infinity')"));
        await Attach(dataSource).AttachAsync(Day1, Now);
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference)); // each reading once
    }

    [Fact]
    public async Task AReadingWrittenWhileTheFileIsWritten_LeavesTheDayAsItWas_UntilTheNextRound()
    {
        await using var dataSource = await DatabaseAsync(postgres, T0, days: 1);
        await InsertAsync(dataSource, new Random(25), 300, T0, TimeSpan.FromDays(1));
        await FoldAsync(dataSource);

        var raced = await Archive(dataSource, _ => InsertAsync(dataSource, new Random(26), 1, T0, TimeSpan.FromDays(1))).RunOnceAsync(Now);

        Assert.Empty(raced.Archived);
        Assert.Equal([Day1], raced.Left);
        Assert.Empty(await Attach(dataSource).ListAsync());
        Assert.Empty(Directory.GetFiles(folder.Path));
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));
        Assert.Equal([Day1], (await Archive(dataSource).RunOnceAsync(Now)).Left); // the raced reading's hour waits in the rollup queue
        await FoldAsync(dataSource);
        Assert.Equal(301L, (await Archive(dataSource).RunOnceAsync(Now)).Readings);
        await Attach(dataSource).AttachAsync(Day1, Now);
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));
    }

    [Fact]
    public async Task AttachingAMissingChangedOrUnreadableFile_OrAnUnknownDay_IsRefusedClearly_AndWritesNothing()
    {
        await using var dataSource = await DatabaseAsync(postgres, T0, days: 1);
        await InsertAsync(dataSource, new Random(27), 300, T0, TimeSpan.FromDays(1));
        await FoldAsync(dataSource);
        await Archive(dataSource).RunOnceAsync(Now);
        var file = Path.Combine(folder.Path, "metrics_2026_03_01.parquet");
        var good = await File.ReadAllBytesAsync(file);

        var unknown = await Assert.ThrowsAsync<NotFoundException>(() => Attach(dataSource).AttachAsync(Day1.AddDays(1), Now));
        var bytes = (byte[])good.Clone();
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(file, bytes);
        var changed = await Assert.ThrowsAsync<ArchiveFileException>(() => Attach(dataSource).AttachAsync(Day1, Now));
        await File.WriteAllTextAsync(file, "not a parquet file");
        var unreadable = await Assert.ThrowsAsync<ArchiveFileException>(() => Attach(dataSource).AttachAsync(Day1, Now));
        File.Delete(file);
        var missing = await Assert.ThrowsAsync<ConflictException>(() => Attach(dataSource).AttachAsync(Day1, Now));

        foreach (var refusal in new Exception[] { unknown, changed, unreadable, missing })
        {
            output.WriteLine($"{refusal.GetType().Name}: {refusal.Message}");
        }

        Assert.Contains("2026-03-02 is not an archived day", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("changed since it was archived", changed.Message, StringComparison.Ordinal);
        Assert.Contains("changed since it was archived", unreadable.Message, StringComparison.Ordinal);
        Assert.Contains("is not in Metrics:ArchiveDirectory", missing.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metric_readings('-infinity', 'infinity')"));
        Assert.Null(Assert.Single(await Attach(dataSource).ListAsync()).AttachedAt);

        await File.WriteAllBytesAsync(file, good);
        await Attach(dataSource).AttachAsync(Day1, Now);
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));
    }

    [Fact]
    public async Task TheMaintenanceService_ArchivesDaysOlderThanMetricsArchiveAfter_OnItsClock()
    {
        await using var dataSource = await DatabaseAsync(postgres, T0, days: 3);
        await InsertAsync(dataSource, new Random(28), 300, T0, TimeSpan.FromDays(3));
        await FoldAsync(dataSource);
        var clock = new FakeTimeProvider(T0 + TimeSpan.FromDays(3) + TimeSpan.FromHours(12));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Maintenance:Interval"] = "1.00:00:00",
            ["Maintenance:MetricRetentionDays"] = "3650",
            ["Metrics:CompressAfter"] = "1.00:00:00",
            ["Metrics:ArchiveAfter"] = "2.00:00:00",
            ["Metrics:ArchiveDirectory"] = folder.Path,
        });
        builder.Services.AddKeyedSingleton(PostgresDatabase.AdminKey, dataSource);
        builder.Services.AddKeyedSingleton<TimeProvider>(DataClock.Key, clock);
        builder.Services.AddPartitionMaintenance(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();

        // At 03-04 12:00 the days that ended two days before: 03-01 only (03-02 compacted, not archived). A day later, 03-02 too.
        await Eventually.TrueAsync(async () => await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metric_archive") == 1, "03-01 archived at start");
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metric_readings('2026-03-01', '2026-03-02')"));
        Assert.True(await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metric_readings('2026-03-02', '2026-03-03')") > 0);
        clock.Advance(TimeSpan.FromDays(1));
        await Eventually.TrueAsync(async () => await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metric_archive") == 2, "03-02 archived a day later");
        Assert.True(await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metric_readings('2026-03-03', '2026-03-04')") > 0);
        await host.StopAsync();
        Assert.Equal(2, Directory.GetFiles(folder.Path).Length);
    }

    [Theory]
    [InlineData("2.00:00:00", null, "Metrics:ArchiveAfter needs Metrics:ArchiveDirectory")]
    [InlineData("1.00:00:00", "/archive", "Metrics:ArchiveAfter must be at least Metrics:CompressAfter")]
    [InlineData("30.00:00:00", "/archive", "Metrics:ArchiveAfter must be shorter than Maintenance:MetricRetentionDays")]
    public void ArchiveAfter_WithoutAFolder_BeforeCompaction_OrPastRetention_IsRefused(string archiveAfter, string? directory, string message)
    {
        var result = new MetricsOptionsValidator(Options.Create(new MaintenanceOptions { MetricRetentionDays = 30 })).Validate(null, new MetricsOptions
        {
            CompressAfter = TimeSpan.FromDays(2),
            ArchiveAfter = TimeSpan.Parse(archiveAfter, System.Globalization.CultureInfo.InvariantCulture),
            ArchiveDirectory = directory,
        });

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new MetricsOptionsValidator().Validate(null, new MetricsOptions { CompressAfter = TimeSpan.FromDays(2), ArchiveAfter = TimeSpan.FromDays(3), ArchiveDirectory = "/archive" }).Succeeded);
    }

    /// <summary>The file's readings as the rows of table <c>from_file</c> (its tags as jsonb again).</summary>
    private static async Task LoadFileAsync(NpgsqlDataSource dataSource, string path)
    {
        await ExecuteAsync(dataSource, "CREATE TABLE IF NOT EXISTS from_file (time timestamptz, device_id text, metric text, value float8, tags jsonb); TRUNCATE from_file");
        await foreach (var batch in ArchiveFile.ReadAsync(path, CancellationToken.None))
        {
            await using var insert = dataSource.CreateCommand("INSERT INTO from_file SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::jsonb[])");
            insert.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. batch.Times] });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Devices] });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Metrics] });
            insert.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = [.. batch.Values] });
            insert.Parameters.Add(new NpgsqlParameter { Value = batch.Tags.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            await insert.ExecuteNonQueryAsync();
        }
    }
}
