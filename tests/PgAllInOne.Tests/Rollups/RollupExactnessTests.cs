using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.Grains.Maintenance;
using PgAllInOne.Grains.Rollups;
using PgAllInOne.Tests.Infrastructure;
using PgAllInOne.Tests.Compaction;

namespace PgAllInOne.Tests.Rollups;

/// <summary>
/// Property: whatever the data, the range, the bucket and the late writes, reading through the rollups (folded hours
/// from the rollups, the rest raw) gives exactly what the raw statement gives over the same rows. Values are quarters,
/// so that sums are exact in any order of addition.
/// </summary>
public sealed class RollupExactnessTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Span = TimeSpan.FromHours(30);
    private static readonly TimeSpan[] Buckets = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(90), TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromDays(1), TimeSpan.FromSeconds(45)];
    private static readonly string[] Devices = ["d1", "d2", "d3"];
    private static readonly string[] Metrics = ["temp", "load"];
    private static readonly string[] Types = ["click", "view", "buy"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReadsThroughRollups_EqualTheRawStatement_WithLateWritesAndARawTail(int seed)
    {
        var random = new Random(seed);
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();
        var job = new RollupJob(dataSource, Options.Create(new RollupOptions { MaxHoursPerRound = 7 }));

        await InsertAsync(dataSource, random, 3_000);
        await job.RunOnceAsync(T0 + TimeSpan.FromHours(20)); // folds hours before 19:00; the rest is the raw tail
        await InsertAsync(dataSource, random, 12); // late writes into a few folded hours, and more tail
        await Sql.ExecuteAsync(dataSource, $"DELETE FROM metrics WHERE device_id = 'd2' AND metric = 'load' AND value = {(random.Next(-40, 40) / 4.0).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        await Sql.ExecuteAsync(dataSource, "UPDATE events SET type = 'buy' WHERE type = 'view' AND user_id = 3 AND extract(minute FROM occurred_at) < 20");
        Assert.InRange(await ScalarAsync<long>(dataSource, "SELECT count(DISTINCT hour) FROM rollup_dirty WHERE source = 'metrics' AND hour < '2026-03-01T19:00:00Z'"), 1L, 17L); // some folded hours dirty again, not all

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 25; i++)
            {
                var from = T0 - TimeSpan.FromHours(1) + TimeSpan.FromSeconds(random.Next(0, (int)Span.TotalSeconds));
                var to = from + TimeSpan.FromSeconds(random.Next(1, (int)Span.TotalSeconds));
                if (random.Next(3) == 0)
                {
                    from = RollupJob.FloorToHour(from); // aligned ranges too
                    to = RollupJob.FloorToHour(to) + TimeSpan.FromHours(1);
                }

                var bucket = Buckets[random.Next(Buckets.Length)];
                var metric = Metrics[random.Next(Metrics.Length)];
                string? device = random.Next(2) == 0 ? Devices[random.Next(Devices.Length)] : null;
                var perDevice = device is null && random.Next(2) == 0;
                var through = await RollupReader.MetricBucketsAsync(dataSource, metric, device, perDevice, withLast: true, from, to, bucket);
                var expected = await ReferenceReadings.BucketsAsync(dataSource, metric, device, perDevice, from, to, bucket, table: "metrics");
                var firstDifference = Enumerable.Range(0, Math.Max(expected.Length, through.Length)).FirstOrDefault(k => k >= expected.Length || k >= through.Length || expected[k] != through[k], -1);
                Assert.True(firstDifference < 0, $"{metric} {device} {perDevice} [{from:O}, {to:O}) by {bucket}: at {firstDifference} raw {expected.ElementAtOrDefault(firstDifference)}, through rollups {through.ElementAtOrDefault(firstDifference)} ({expected.Length} vs {through.Length} rows)");

                // Without the newest reading (its value 0), and every raw span read by one statement over all of them.
                var withoutLast = await RollupReader.MetricBucketsAsync(dataSource, metric, device, perDevice, withLast: false, from, to, bucket, rawStatementsAtMost: 0);
                Assert.Equal(expected.Select(e => e with { Last = 0 }), withoutLast);

                var groupBy = random.Next(2) == 0 ? "type" : "day";
                var type = random.Next(3) == 0 ? Types[random.Next(Types.Length)] : null;
                var events = await RollupReader.EventGroupsAsync(dataSource, groupBy, type, from, to);
                Assert.Equal(await RawEventsAsync(dataSource, groupBy, type, from, to), events.OrderBy(e => e.Key, StringComparer.Ordinal));
            }

            // Then the same queries with everything folded in, late writes included.
            var report = await job.RunOnceAsync(T0 + TimeSpan.FromDays(3));
            Assert.Equal(round == 0, report.MetricHours > 0);
            Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM rollup_dirty"));
        }

        // The rollup tables themselves: count, sum, min, max, first and last by time, per minute and per hour.
        foreach (var (table, width) in new[] { ("metrics_1m", "1 minute"), ("metrics_1h", "1 hour") })
        {
            var raw = $"""
                SELECT date_bin('{width}', time, TIMESTAMPTZ '2000-01-01 00:00:00+00'), device_id, metric, count(*), sum(value), min(value), max(value),
                       min(time), (array_agg(value ORDER BY time, value))[1], max(time), (array_agg(value ORDER BY time DESC, value DESC))[1]
                FROM metrics GROUP BY 1, 2, 3
                """;
            var rolled = $"SELECT bucket, device_id, metric, count, sum, min, max, first_time, first_value, last_time, last_value FROM {table}";
            Assert.Equal(0L, await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM (({raw}) EXCEPT ALL ({rolled})) d"));
            Assert.Equal(0L, await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM (({rolled}) EXCEPT ALL ({raw})) d"));
        }
    }

    [Fact]
    public async Task Retention_RemovesTheRollupsOfWhatItDrops()
    {
        await using var dataSource = await postgres.CreateMigratedDataSourceAsync();
        await Sql.ExecuteAsync(dataSource, "INSERT INTO metrics (time, device_id, metric, value) VALUES ('2026-03-01T10:00:00Z', 'd1', 'temp', 1), ('2026-03-20T10:00:00Z', 'd1', 'temp', 2)");
        await new RollupJob(dataSource, Options.Create(new RollupOptions())).RunOnceAsync(T0 + TimeSpan.FromDays(25));

        await new PartitionMaintenance(dataSource, Options.Create(new MaintenanceOptions { MetricRetentionDays = 10 })).RunOnceAsync(T0 + TimeSpan.FromDays(25));

        var left = await RollupReader.MetricBucketsAsync(dataSource, "temp", "d1", perDevice: false, withLast: true, T0 - TimeSpan.FromDays(30), T0 + TimeSpan.FromDays(30), TimeSpan.FromDays(1));
        Assert.Equal(2.0, Assert.Single(left).Sum);
        Assert.Equal(1L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics_1h"));
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics_default"));
    }

    // Random readings and events over [T0, T0 + 30 h), a few sharing a time (ties for first and last).
    private static async Task InsertAsync(NpgsqlDataSource dataSource, Random random, int rows)
    {
        var times = Enumerable.Range(0, rows).Select(_ => T0 + TimeSpan.FromSeconds(random.Next(0, (int)Span.TotalSeconds))).ToArray();
        for (var i = 1; i < rows; i += 17)
        {
            times[i] = times[i - 1];
        }

        await using var batch = new NpgsqlBatch(await dataSource.OpenConnectionAsync());
        var metrics = new NpgsqlBatchCommand("INSERT INTO metrics (time, device_id, metric, value) SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[])");
        metrics.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = times });
        metrics.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. times.Select(_ => Devices[random.Next(Devices.Length)])] });
        metrics.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. times.Select(_ => Metrics[random.Next(Metrics.Length)])] });
        metrics.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = [.. times.Select(_ => random.Next(-40, 40) / 4.0)] });
        var events = new NpgsqlBatchCommand("INSERT INTO events (user_id, type, occurred_at) SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[])");
        events.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. times.Select(_ => (long)random.Next(1, 20))] });
        events.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. times.Select(_ => Types[random.Next(Types.Length)])] });
        events.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. times.Reverse()] });
        batch.BatchCommands.Add(metrics);
        batch.BatchCommands.Add(events);
        await batch.ExecuteNonQueryAsync();
        await batch.Connection!.DisposeAsync();
    }

    private static async Task<List<EventGroupRow>> RawEventsAsync(NpgsqlDataSource dataSource, string groupBy, string? type, DateTimeOffset from, DateTimeOffset to)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT CASE WHEN $1 = 'type' THEN type ELSE to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') END, count(*), min(occurred_at), max(occurred_at)
            FROM events WHERE occurred_at >= $3 AND occurred_at < $4 AND ($2::text IS NULL OR type = $2)
            GROUP BY 1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = groupBy });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)type ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to });
        var rows = new List<EventGroupRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new EventGroupRow(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return [.. rows.OrderBy(r => r.Key, StringComparer.Ordinal)];
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
