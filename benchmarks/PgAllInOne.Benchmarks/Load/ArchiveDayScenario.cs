using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Grains.Archive;
using PgAllInOne.Grains.Compaction;
using PgAllInOne.Grains.Maintenance;
using PgAllInOne.Grains.Partitions;
using PgAllInOne.Postgres;
using static PgAllInOne.Benchmarks.Load.BenchSql;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>
/// The Parquet archive of a realistic day (10 devices × 3 metrics, a reading each 10 s: 259,200 readings, two-decimal
/// sensor-like values, a tenth tagged): bytes per reading raw, compacted and in the file; then, interleaved per round,
/// the archive of the day (export, verify, empty) beside its anchor — the same readings copied out of PostgreSQL with one
/// binary <c>COPY … TO STDOUT</c> — and the attach beside its anchor, one binary <c>COPY … FROM STDIN</c> of the same
/// readings into a plain table.
/// </summary>
internal static class ArchiveDayScenario
{
    private static readonly DateOnly Day = new(2001, 3, 1);

    public static async Task RunAsync(int rounds)
    {
        await using var dataSource = NpgsqlDataSource.Create(BenchmarkPostgres.ConnectionString);
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync();
        using (var catalog = new PartitionCatalog(dataSource, TimeProvider.System))
        {
            await catalog.EnsureAsync(PartitionScheme.Metrics, [new DateTimeOffset(Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)]);
        }

        await ExecuteAsync(dataSource, """
            INSERT INTO metrics (time, device_id, metric, value, tags)
            SELECT TIMESTAMPTZ '2001-03-01T00:00:00Z' + s * interval '10 seconds', 'device-' || d, m,
                   round((20 + 5 * sin(s / 500.0 + d) + random())::numeric, 2)::float8,
                   CASE WHEN s % 10 = 0 THEN jsonb_build_object('site', 'plant-' || (d % 3), 'firmware', '1.4.' || (s % 7)) END
            FROM generate_series(0, 8639) s, generate_series(1, 10) d, unnest(ARRAY['temp', 'humidity', 'power']) m
            """);
        await ExecuteAsync(dataSource, "VACUUM ANALYZE metrics; CREATE TABLE IF NOT EXISTS anchor (time timestamptz, device_id text, metric text, value float8, tags jsonb)");
        var readings = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics");
        var raw = await ScalarAsync<long>(dataSource, "SELECT pg_total_relation_size('metrics_p2001_03_01')");
        var now = new DateTimeOffset(2001, 3, 3, 0, 0, 0, TimeSpan.Zero);
        await new MetricCompaction(dataSource, Options.Create(new MetricsOptions { CompressAfter = TimeSpan.FromHours(1) })).RunOnceAsync(now);
        var compacted = await ScalarAsync<long>(dataSource, "SELECT pg_total_relation_size('metrics_compact_p2001_03_01')");

        var day = await ReadDayAsync(dataSource);
        var folder = Path.Combine(Path.GetTempPath(), $"pgaio-bench-archive-{Environment.ProcessId}");
        var metrics = Options.Create(new MetricsOptions { CompressAfter = TimeSpan.FromHours(1), ArchiveAfter = TimeSpan.FromHours(1), ArchiveDirectory = folder });
        var archive = new MetricArchive(dataSource, metrics);
        var attach = new ArchiveAttach(dataSource, metrics, Options.Create(new MaintenanceOptions { MetricRetentionDays = 36500 }));
        var times = new List<double>[] { [], [], [], [] };
        long bytes = 0;
        try
        {
            for (var round = 0; round <= rounds; round++)
            {
                // Each round's archive is more than ArchiveAfter after the last attach.
                now += TimeSpan.FromDays(1);
                var copyOut = await TimeAsync(() => CopyOutAsync(dataSource));
                var archived = await TimeAsync(async () => Check(readings, (await archive.RunOnceAsync(now)).Readings));
                bytes = (await attach.ListAsync()).Single().Bytes;
                await ExecuteAsync(dataSource, "TRUNCATE anchor");
                var copyIn = await TimeAsync(() => CopyInAsync(dataSource, day));
                var attached = await TimeAsync(async () => await attach.AttachAsync(Day, now));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: COPY out {copyOut:0} ms, archive {archived:0} ms, COPY in {copyIn:0} ms, attach {attached:0} ms"));
                if (round > 0)
                {
                    foreach (var (list, value) in new[] { (times[0], copyOut), (times[1], archived), (times[2], copyIn), (times[3], attached) })
                    {
                        list.Add(value);
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{readings:N0} readings, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        Console.WriteLine("| | raw | compacted | Parquet (zstd) |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| bytes per reading | {raw / (double)readings:0.0} | {compacted / (double)readings:0.0} | {bytes / (double)readings:0.00} |"));
        Console.WriteLine("| medians | anchor (ms) | product (ms) | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| archive a day vs binary COPY of its readings out | {Median(times[0]):0} | {Median(times[1]):0} | {Median(times[1]) / Median(times[0]):0.0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| attach a day vs binary COPY of its readings in | {Median(times[2]):0} | {Median(times[3]):0} | {Median(times[3]) / Median(times[2]):0.0} |"));
    }

    private static long Check(long expected, long actual) =>
        actual == expected ? actual : throw new InvalidOperationException($"archived {actual} readings, expected {expected}");

    private static async Task CopyOutAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var export = await connection.BeginBinaryExportAsync("COPY (SELECT time, device_id, metric, value, tags FROM metric_readings('2001-03-01', '2001-03-02') ORDER BY device_id, metric, time, value) TO STDOUT (FORMAT BINARY)");
        while (await export.StartRowAsync() != -1)
        {
            await export.ReadAsync<DateTime>();
            await export.ReadAsync<string>();
            await export.ReadAsync<string>();
            await export.ReadAsync<double>();
            await export.SkipAsync();
        }
    }

    /// <summary>The day's readings in memory, as the anchor of the attach copies them.</summary>
    private static async Task<List<(DateTime Time, string Device, string Metric, double Value, string? Tags)>> ReadDayAsync(NpgsqlDataSource dataSource)
    {
        var rows = new List<(DateTime, string, string, double, string?)>();
        await using var command = dataSource.CreateCommand("SELECT time, device_id, metric, value, tags::text FROM metric_readings('2001-03-01', '2001-03-02')");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetFieldValue<DateTime>(0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return rows;
    }

    private static async Task CopyInAsync(NpgsqlDataSource dataSource, List<(DateTime Time, string Device, string Metric, double Value, string? Tags)> rows)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var import = await connection.BeginBinaryImportAsync("COPY anchor (time, device_id, metric, value, tags) FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            await import.StartRowAsync();
            await import.WriteAsync(row.Time, NpgsqlTypes.NpgsqlDbType.TimestampTz);
            await import.WriteAsync(row.Device, NpgsqlTypes.NpgsqlDbType.Text);
            await import.WriteAsync(row.Metric, NpgsqlTypes.NpgsqlDbType.Text);
            await import.WriteAsync(row.Value, NpgsqlTypes.NpgsqlDbType.Double);
            if (row.Tags is null)
            {
                await import.WriteNullAsync();
            }
            else
            {
                await import.WriteAsync(row.Tags, NpgsqlTypes.NpgsqlDbType.Jsonb);
            }
        }

        await import.CompleteAsync();
    }

    private static async Task<double> TimeAsync(Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        await run();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
