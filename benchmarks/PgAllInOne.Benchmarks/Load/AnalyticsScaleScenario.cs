using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.Grains.Compaction;
using PgAllInOne.Grains.Partitions;
using PgAllInOne.Grains.Rollups;
using static PgAllInOne.Benchmarks.Load.BenchSql;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>
/// Analytics at scale: <c>rows</c> readings (10 devices, one each 30 s, ending yesterday) and as many events, loaded
/// with generate_series into the partitions of their days and months; then each analytic query on a cache miss through
/// the product (a silo with a zero cache TTL; one slice, and the default fan-out) beside the same aggregate as one SQL
/// statement, warm buffers both, medians of interleaved rounds; the rollups' speed-ups on device range queries; bytes
/// per reading; the ingest cost of the rollup queue (COPY batches with its trigger on and off, interleaved); then the
/// older half of the days compacted: bytes per reading raw and compacted, and raw-path range reads (45 s buckets, which
/// no rollup answers) over a compacted day beside the same over a raw day, interleaved.
/// </summary>
internal static class AnalyticsScaleScenario
{
    private const int Devices = 10;
    private static readonly TimeSpan DefaultCadence = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(long rows, int rounds, int days, IReadOnlyCollection<string> parts)
    {
        var keep = new Dictionary<string, string?> { ["Analytics:CacheTtl"] = "00:00:00", ["Maintenance:MetricRetentionDays"] = "36500", ["Rollups:Interval"] = "1.00:00:00", ["Metrics:CompressAfter"] = "36500.00:00:00" };
        await using var single = BenchmarkSilo.Start(new Dictionary<string, string?>(keep) { ["Analytics:MaxSlices"] = "1" });
        await using var fanOut = BenchmarkSilo.Start(new Dictionary<string, string?>(keep) { ["Analytics:MaxSlices"] = "16" });
        await using var dataSource = NpgsqlDataSource.Create(BenchmarkPostgres.ConnectionString);
        await ExecuteAsync(dataSource, "CREATE TABLE IF NOT EXISTS bench_data_set (rows bigint NOT NULL, start_at timestamptz NOT NULL, end_at timestamptz NOT NULL)");
        var (start, end) = await LoadedAsync(dataSource, rows);
        if (start == end)
        {
            if (!parts.Contains("load"))
            {
                throw new InvalidOperationException($"No data set of {rows:N0} rows is loaded (PGAIO_BENCH_DATA keeps one between runs): run with the part 'load'.");
            }

            // One reading per device each 30 s, or as many as spread the readings over the days asked for.
            var cadence = days > 0 ? TimeSpan.FromDays(days) * Devices / rows : DefaultCadence;
            end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-1);
            start = end - (cadence * (rows / Devices));
            Console.WriteLine($"rows {rows:N0} readings and {rows:N0} events over [{start:yyyy-MM-dd HH:mm}, {end:yyyy-MM-dd}), a reading per device each {cadence.TotalSeconds:0.###} s, {Environment.ProcessorCount} cores");
            var load = Stopwatch.StartNew();
            await LoadAsync(dataSource, rows, start, end, cadence);
            Console.WriteLine($"load (generate_series, rollup queue filled by one statement) {load.Elapsed.TotalSeconds:0.0} s ({rows * 2 / load.Elapsed.TotalSeconds:N0} rows/s)");
            var fold = Stopwatch.StartNew();
            var report = await new RollupJob(dataSource, Options.Create(new RollupOptions { MaxHoursPerRound = 24 * 31 })).RunOnceAsync(DateTimeOffset.UtcNow);
            Console.WriteLine($"rollup job over everything: {report.MetricHours} metric hours, {report.EventHours} event hours in {fold.Elapsed.TotalSeconds:0.0} s ({rows * 2 / fold.Elapsed.TotalSeconds:N0} rows/s)");
            await ExecuteAsync(dataSource, "VACUUM ANALYZE");
            await ExecuteAsync(dataSource, string.Create(CultureInfo.InvariantCulture, $"INSERT INTO bench_data_set VALUES ({rows}, '{start:O}', '{end:O}')"));
        }
        else
        {
            Console.WriteLine($"rows {rows:N0} readings and {rows:N0} events over [{start:yyyy-MM-dd HH:mm}, {end:yyyy-MM-dd}) already loaded (PGAIO_BENCH_DATA), {Environment.ProcessorCount} cores");
            await new RollupJob(dataSource, Options.Create(new RollupOptions { MaxHoursPerRound = 24 * 31 })).RunOnceAsync(DateTimeOffset.UtcNow);
        }

        if (parts.Contains("queries"))
        {
            await QueriesAsync(single, fanOut, dataSource, rows, start, end, rounds);
        }

        if (parts.Contains("ingest"))
        {
            await IngestCostAsync(single, dataSource, end, rounds);
        }

        if (parts.Contains("compact"))
        {
            // Last: the statements above read the raw table, which compaction empties.
            await CompactionAsync(dataSource, start, end, rounds);
        }
    }

    private static async Task<(DateTimeOffset Start, DateTimeOffset End)> LoadedAsync(NpgsqlDataSource dataSource, long rows)
    {
        await using var command = dataSource.CreateCommand("SELECT start_at, end_at FROM bench_data_set WHERE rows = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = rows });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1)) : (default, default);
    }

    private static async Task QueriesAsync(BenchmarkSilo single, BenchmarkSilo fanOut, NpgsqlDataSource dataSource, long rows, DateTimeOffset start, DateTimeOffset end, int rounds)
    {
        var month = (end - TimeSpan.FromDays(30)) < start ? start : end - TimeSpan.FromDays(30);
        // A year of one device, or the whole range when the data set is shorter (its length is in the query's name).
        var year = (end - TimeSpan.FromDays(365)) < start ? start : end - TimeSpan.FromDays(365);
        var yearName = string.Create(CultureInfo.InvariantCulture, $"{(end - year).TotalDays:0.#} days of one device at 1 h");
        // Each query's statement, and the same ordered as the product answers (most events first, ties by key; days,
        // buckets and devices in order), which is the statement that gives the same answer.
        var cases = new List<(string Name, string Sql, string Order, DateTimeOffset From, Func<Task> Single, Func<Task> FanOut)>
        {
            ("events by type", "SELECT type, count(*), min(occurred_at), max(occurred_at) FROM events WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY type", "count(*) DESC, type COLLATE \"C\"", start,
                () => single.Grains.QueryAnalyticsAsync(AnalyticsQuery.Events("type", start, end)), () => fanOut.Grains.QueryAnalyticsAsync(AnalyticsQuery.Events("type", start, end))),
            ("events by day", "SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), count(*), min(occurred_at), max(occurred_at) FROM events WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY 1", "1", start,
                () => single.Grains.QueryAnalyticsAsync(AnalyticsQuery.Events("day", start, end)), () => fanOut.Grains.QueryAnalyticsAsync(AnalyticsQuery.Events("day", start, end))),
            ("events by user", "SELECT user_id::text, count(*), min(occurred_at), max(occurred_at) FROM events WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY 1", "count(*) DESC, user_id::text COLLATE \"C\"", start,
                () => single.Grains.QueryAnalyticsAsync(AnalyticsQuery.Events("user", start, end)), () => fanOut.Grains.QueryAnalyticsAsync(AnalyticsQuery.Events("user", start, end))),
            ("metric daily avg per device", "SELECT date_bin('1 day', time, TIMESTAMPTZ '2000-01-01 00:00:00+00'), device_id, avg(value), count(*) FROM metrics WHERE metric = 'temp' AND time >= $1 AND time < $2 GROUP BY 1, 2", "1, device_id COLLATE \"C\"", start,
                () => single.Grains.QueryAnalyticsAsync(AnalyticsQuery.Metrics("temp", start, end, TimeSpan.FromDays(1), "avg", "device")), () => fanOut.Grains.QueryAnalyticsAsync(AnalyticsQuery.Metrics("temp", start, end, TimeSpan.FromDays(1), "avg", "device"))),
            ("a month of all devices at 1 h", "SELECT date_bin('1 hour', time, TIMESTAMPTZ '2000-01-01 00:00:00+00'), device_id, avg(value), count(*) FROM metrics WHERE metric = 'temp' AND time >= $1 AND time < $2 GROUP BY 1, 2", "1, device_id COLLATE \"C\"", month,
                () => single.Grains.QueryAnalyticsAsync(AnalyticsQuery.Metrics("temp", month, end, TimeSpan.FromHours(1), "avg", "device")), () => fanOut.Grains.QueryAnalyticsAsync(AnalyticsQuery.Metrics("temp", month, end, TimeSpan.FromHours(1), "avg", "device"))),
            (yearName, "SELECT date_bin('1 hour', time, TIMESTAMPTZ '2000-01-01 00:00:00+00'), avg(value), count(*) FROM metrics WHERE device_id = 'device-3' AND metric = 'temp' AND time >= $1 AND time < $2 GROUP BY 1", "1", year,
                () => single.Grains.GetGrain<IDeviceGrain>("device-3").Range(new MetricRangeQuery("temp", year, end, TimeSpan.FromHours(1))), () => fanOut.Grains.GetGrain<IDeviceGrain>("device-3").Range(new MetricRangeQuery("temp", year, end, TimeSpan.FromHours(1)))),
        };

        Console.WriteLine("Every answer read whole (each value of each row). Ratios are the product's time over the statement's; \"ordered\": over the statement ordered as the product answers.");
        Console.WriteLine("| query | one SQL statement (ms) | the statement, ordered (ms) | product, one slice (ms) | ratio | ratio, ordered | product, fan-out (ms) | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, sql, order, from, one, many) in cases)
        {
            var runs = new Func<Task>[] { () => StatementAsync(dataSource, sql, from, end), () => StatementAsync(dataSource, $"{sql} ORDER BY {order}", from, end), one, many };
            var times = runs.Select(_ => new List<double>()).ToArray();
            foreach (var run in runs)
            {
                await WarmUpAsync(run);
            }

            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < runs.Length; i++)
                {
                    times[i].Add(await TimeAsync(runs[i]));
                }
            }

            var (s, ordered, o, m) = (Median(times[0]), Median(times[1]), Median(times[2]), Median(times[3]));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {s:0.0} | {ordered:0.0} | {o:0.0} | {o / s:0.00} | {o / ordered:0.00} | {m:0.0} | {m / s:0.00} |"));
        }

        // The rollups' part of the product path alone (no grain call, no cache): what the reader costs.
        foreach (var (name, from, device, perDevice) in new[] { ("a month of all devices at 1 h", month, (string?)null, true), (yearName, year, "device-3", false) })
        {
            var times = new List<double>();
            for (var round = 0; round <= rounds; round++)
            {
                times.Add(await TimeAsync(() => RollupReader.MetricBucketsAsync(dataSource, "temp", device, perDevice, withLast: false, from, end, TimeSpan.FromHours(1))));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: the rollup reader alone {Median(times):0.0} ms"));
        }

        // Where the time of a month of all devices goes: its rollup statement alone (the reader's SQL, no transaction),
        // the reader (locks, queued hours, statement, merge), the OLAP worker's grain call, the cache grain's.
        var monthQuery = AnalyticsQuery.Metrics("temp", month, end, TimeSpan.FromHours(1), "avg", "device");
        var monthSql = await GrainsSqlAsync("Rollups/MetricRollupRows.sql");
        var profile = new (string Name, Func<Task> Run)[]
        {
            ("the rollup statement alone", async () =>
            {
                await using var command = dataSource.CreateCommand(monthSql.Replace("{rollup}", "metrics_1h", StringComparison.Ordinal).Replace("{last}", "NULL::float8", StringComparison.Ordinal));
                command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = TimeSpan.FromHours(1) });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "temp" });
                command.Parameters.Add(new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = true });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [month] });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [end] });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [] });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [] });
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    _ = (reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetFieldValue<DateTimeOffset>(7));
                }
            }),
            ("the rollup reader", () => RollupReader.MetricBucketsAsync(dataSource, "temp", null, perDevice: true, withLast: false, month, end, TimeSpan.FromHours(1))),
            ("the OLAP worker's grain call", () => single.Grains.GetGrain<IOlapWorker>("olap").AggregateMetrics(monthQuery, month, end)),
            ("the cache grain's call (a miss)", () => single.Grains.QueryAnalyticsAsync(monthQuery)),
        };
        await ProfileAsync("a month of all devices at 1 h", profile, rounds);

        // Where the time of events by user goes (no rollup holds users): the product's statement read whole, the OLAP
        // worker's grain call, the cache grain's.
        var byUser = AnalyticsQuery.Events("user", start, end);
        var byUserSql = await GrainsSqlAsync("Analytics/EventsByUser.sql");
        await ProfileAsync("events by user", [
            ("the statement, every value read", async () =>
            {
                await using var command = dataSource.CreateCommand(byUserSql);
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = start });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = end });
                command.Parameters.Add(new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    _ = (reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3));
                }
            }),
            ("the OLAP worker's grain call", () => single.Grains.GetGrain<IOlapWorker>("olap").AggregateEvents(byUser, start, end)),
            ("the cache grain's call (a miss)", () => single.Grains.QueryAnalyticsAsync(byUser)),
        ], rounds);

        var bytes = await ScalarAsync<long>(dataSource, "SELECT sum(pg_total_relation_size(inhrelid))::bigint FROM pg_inherits WHERE inhparent = 'metrics'::regclass");
        var rollupBytes = await ScalarAsync<long>(dataSource, "SELECT pg_total_relation_size('metrics_1m') + pg_total_relation_size('metrics_1h')");
        var readings = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics"); // the ingest part's rows too, once it has run
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw readings: {bytes / (double)readings:0.0} bytes per reading with indexes ({readings:N0} readings); rollups (1 m + 1 h) add {rollupBytes / (double)readings:0.0} bytes per reading"));
    }

    // The days before the middle of the range compacted (as the maintenance job would with CompressAfter there); a raw day
    // and a compacted day of the same readings read alike.
    private static async Task CompactionAsync(NpgsqlDataSource dataSource, DateTimeOffset start, DateTimeOffset end, int rounds)
    {
        var middle = new DateTimeOffset(start.UtcDateTime.Date, TimeSpan.Zero).AddDays(Math.Max(2, (int)(end - start).TotalDays / 2));
        var watch = Stopwatch.StartNew();
        var report = await new MetricCompaction(dataSource, Options.Create(new MetricsOptions { CompressAfter = TimeSpan.FromHours(1) })).RunOnceAsync(middle + TimeSpan.FromHours(1));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compaction: {report.Compacted.Count} days, {report.Readings:N0} readings in {watch.Elapsed.TotalSeconds:0.0} s ({report.Readings / watch.Elapsed.TotalSeconds:N0} readings/s)"));
        await ExecuteAsync(dataSource, "VACUUM ANALYZE");

        // A day partition's name ends in its day (metrics_p2026_11_22, metrics_compact_p2026_11_22): the days of
        // [from, to) of both tables, the emptied raw partitions of compacted days included.
        async Task<double> BytesAsync(DateTimeOffset from, DateTimeOffset to) => await ScalarAsync<double>(dataSource, string.Create(CultureInfo.InvariantCulture, $"""
            SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0)::float8 FROM pg_inherits
            WHERE inhparent IN ('metrics'::regclass, 'metrics_compact'::regclass) AND inhrelid::regclass::text <> 'metrics_default'
              AND right(inhrelid::regclass::text, 10) >= '{from:yyyy_MM_dd}' AND right(inhrelid::regclass::text, 10) < '{to:yyyy_MM_dd}'
            """));
        var compactBytes = await BytesAsync(start, middle);
        var rawBytes = await BytesAsync(middle, end);
        var compactReadings = await ScalarAsync<long>(dataSource, string.Create(CultureInfo.InvariantCulture, $"SELECT count(*) FROM metric_readings('{start:O}', '{middle:O}')"));
        var rawReadings = await ScalarAsync<long>(dataSource, string.Create(CultureInfo.InvariantCulture, $"SELECT count(*) FROM metric_readings('{middle:O}', '{end:O}')"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bytes per reading (heap, TOAST, indexes): raw {rawBytes / rawReadings:0.0} ({rawReadings:N0} readings), compacted {compactBytes / compactReadings:0.0} ({compactReadings:N0} readings): {rawBytes / rawReadings / (compactBytes / compactReadings):0.0}x smaller"));

        Console.WriteLine("| raw-path read (45 s buckets, the product's reader) | raw day (ms) | compacted day (ms) | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        var (rawDay, compactedDay) = (end.AddDays(-1), middle.AddDays(-1));
        foreach (var (name, device, perDevice) in new[] { ("one device, one day", (string?)"device-3", false), ("all devices per device, one day", null, true) })
        {
            var times = new List<double>[] { [], [] };
            for (var round = 0; round <= rounds; round++)
            {
                var onRaw = await TimeAsync(() => RollupReader.MetricBucketsAsync(dataSource, "temp", device, perDevice, withLast: true, rawDay, rawDay.AddDays(1), TimeSpan.FromSeconds(45)));
                var onCompacted = await TimeAsync(() => RollupReader.MetricBucketsAsync(dataSource, "temp", device, perDevice, withLast: true, compactedDay, compactedDay.AddDays(1), TimeSpan.FromSeconds(45)));
                if (round > 0)
                {
                    times[0].Add(onRaw);
                    times[1].Add(onCompacted);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Median(times[0]):0.0} | {Median(times[1]):0.0} | {Median(times[1]) / Median(times[0]):0.00} |"));
        }
    }

    // A bulk import: the rollup queue's triggers off during the two INSERTs (run side by side) and the hours the rows
    // carry queued by one statement each, as the triggers would have queued them; the first fold does the rest.
    private static async Task LoadAsync(NpgsqlDataSource dataSource, long rows, DateTimeOffset start, DateTimeOffset end, TimeSpan cadence)
    {
        using var catalog = new PartitionCatalog(dataSource, TimeProvider.System);
        var days = Enumerable.Range(0, (int)Math.Ceiling((end - start).TotalDays) + 1).Select(d => start.AddDays(d)).ToList();
        await catalog.EnsureAsync(PartitionScheme.Metrics, days);
        await catalog.EnsureAsync(PartitionScheme.Events, days);
        await ExecuteAsync(dataSource, "ALTER TABLE metrics DISABLE TRIGGER metrics_rollup_insert; ALTER TABLE events DISABLE TRIGGER events_rollup_insert");
        var perDevice = rows / Devices;
        var step = (end - start).TotalSeconds / rows;
        await Task.WhenAll(
            ExecuteAsync(dataSource, string.Create(CultureInfo.InvariantCulture, $"""
                INSERT INTO metrics (time, device_id, metric, value)
                SELECT TIMESTAMPTZ '{start:O}' + (i / {Devices}) * interval '{cadence.TotalSeconds} seconds', 'device-' || (i % {Devices}), 'temp', 20 + (i % 97) * 0.25
                FROM generate_series(0::bigint, {(perDevice * Devices) - 1}) AS i
                """)),
            ExecuteAsync(dataSource, string.Create(CultureInfo.InvariantCulture, $"""
                INSERT INTO events (user_id, type, occurred_at)
                SELECT 1 + i % 5000, (ARRAY['click','view','buy','login','logout','share','like','search'])[1 + (i * 31) % 8],
                       TIMESTAMPTZ '{start:O}' + i * interval '{step} seconds'
                FROM generate_series(0::bigint, {rows - 1}) AS i
                """)));
        await ExecuteAsync(dataSource, """
            INSERT INTO rollup_dirty (source, hour) SELECT DISTINCT 'metrics', date_trunc('hour', time, 'UTC') FROM metrics;
            INSERT INTO rollup_dirty (source, hour) SELECT DISTINCT 'events', date_trunc('hour', occurred_at, 'UTC') FROM events;
            ALTER TABLE metrics ENABLE TRIGGER metrics_rollup_insert; ALTER TABLE events ENABLE TRIGGER events_rollup_insert
            """);
    }

    // The rollup queue's trigger on and off in turn (the order turned each round), medians of the rounds: at the table
    // (binary COPY batches of 5,000 readings, one writer) and through the product (8 device grains ingesting batches of
    // 1,000 readings: validated, group-committed as binary COPY with the devices' state).
    private static async Task IngestCostAsync(BenchmarkSilo silo, NpgsqlDataSource dataSource, DateTimeOffset end, int rounds)
    {
        using var catalog = new PartitionCatalog(dataSource, TimeProvider.System);
        await catalog.EnsureAsync(PartitionScheme.Metrics, [end, end.AddDays(1)]);
        var offset = 0L;
        DateTimeOffset Next() => end.AddMilliseconds(Interlocked.Increment(ref offset) % 86_400_000);

        await CompareAsync("binary COPY at the table, 5,000-row batches", 100_000, async () =>
        {
            for (var b = 0; b < 20; b++)
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var importer = await connection.BeginBinaryImportAsync("COPY metrics (time, device_id, metric, value, tags) FROM STDIN (FORMAT BINARY)");
                for (var i = 0; i < 5_000; i++)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync(Next(), NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync("ingest-" + (i % 100), NpgsqlDbType.Text);
                    await importer.WriteAsync("temp", NpgsqlDbType.Text);
                    await importer.WriteAsync(i * 0.5, NpgsqlDbType.Double);
                    await importer.WriteNullAsync();
                }

                await importer.CompleteAsync();
            }
        });

        await CompareAsync("device grains, 8 x 10 batches of 1,000", 80_000, () => Task.WhenAll(Enumerable.Range(0, 8).Select(d => Task.Run(async () =>
        {
            var device = silo.Grains.GetGrain<IDeviceGrain>($"ingest-product-{d}");
            for (var b = 0; b < 10; b++)
            {
                await device.Ingest([.. Enumerable.Range(0, 1_000).Select(i => new MetricReading("temp", i * 0.5, Next()))]);
            }
        }))));

        async Task CompareAsync(string name, int readings, Func<Task> ingest)
        {
            var withQueue = new List<double>();
            var without = new List<double>();
            for (var round = 0; round < rounds + 1; round++)
            {
                foreach (var on in round % 2 == 0 ? new[] { true, false } : [false, true])
                {
                    await ExecuteAsync(dataSource, on ? "ALTER TABLE metrics ENABLE TRIGGER metrics_rollup_insert" : "ALTER TABLE metrics DISABLE TRIGGER metrics_rollup_insert");
                    var watch = Stopwatch.StartNew();
                    await ingest();
                    if (round > 0)
                    {
                        (on ? withQueue : without).Add(readings / watch.Elapsed.TotalSeconds);
                    }
                }
            }

            await ExecuteAsync(dataSource, "ALTER TABLE metrics ENABLE TRIGGER metrics_rollup_insert");
            var (a, b) = (Median(withQueue), Median(without));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest ({name}): {b:N0} readings/s without the rollup queue, {a:N0} with it: cost {(1 - (a / b)) * 100:0.0} % (rounds without: {string.Join(", ", without.Select(x => x.ToString("N0", CultureInfo.InvariantCulture)))}; with: {string.Join(", ", withQueue.Select(x => x.ToString("N0", CultureInfo.InvariantCulture)))})"));
        }
    }

    // A statement of the product as it ships (embedded in the grains' assembly).
    private static async Task<string> GrainsSqlAsync(string name)
    {
        await using var stream = typeof(RollupReader).Assembly.GetManifestResourceStream("grains/" + name) ?? throw new InvalidOperationException($"No embedded {name}.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static async Task StatementAsync(NpgsqlDataSource dataSource, string sql, DateTimeOffset from, DateTimeOffset to)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0; // the anchor over 10 M rows on a busy machine takes longer than Npgsql's 30 s
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            // Every value, as a client that uses the answer reads it.
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var type = reader.GetFieldType(i);
                if (reader.IsDBNull(i))
                {
                    continue;
                }

                if (type == typeof(string))
                {
                    _ = reader.GetString(i);
                }
                else if (type == typeof(long))
                {
                    _ = reader.GetInt64(i);
                }
                else if (type == typeof(double))
                {
                    _ = reader.GetDouble(i);
                }
                else
                {
                    _ = reader.GetFieldValue<DateTimeOffset>(i);
                }
            }
        }
    }

    // Each step in turn, rounds x 2 after a warm-up round; medians.
    private static async Task ProfileAsync(string name, IReadOnlyList<(string Name, Func<Task> Run)> profile, int rounds)
    {
        var profiled = profile.Select(_ => new List<double>()).ToArray();
        foreach (var (_, run) in profile)
        {
            await WarmUpAsync(run);
        }

        for (var round = 0; round <= rounds * 2; round++)
        {
            for (var i = 0; i < profile.Count; i++)
            {
                var ms = await TimeAsync(profile[i].Run);
                if (round > 0)
                {
                    profiled[i].Add(ms);
                }
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}, medians of {rounds * 2} interleaved: {string.Join("; ", profile.Select((p, i) => $"{p.Name} {Median(profiled[i]):0.0} ms"))}"));
    }

    // Until the JIT has compiled the path's hot code fully (30 calls), or for a second when a call takes long: what a
    // silo that has been serving a while runs, on both sides.
    private static async Task WarmUpAsync(Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        for (var call = 0; call < 30 && (call == 0 || watch.Elapsed < TimeSpan.FromSeconds(1)); call++)
        {
            await run();
        }
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
        return sorted[sorted.Count / 2];
    }
}
