using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.Grains;
using PgAllInOne.Grains.Compaction;
using PgAllInOne.Grains.Rollups;
using PgAllInOne.Tests.Infrastructure;
using static PgAllInOne.Tests.Compaction.ReferenceReadings;

namespace PgAllInOne.Tests.Compaction;

/// <summary>
/// Property: compaction changes how readings are stored, never what is read. Every path that reads raw readings — the
/// reader behind device ranges and metric analytics (rollups, raw edges and raw hours), the rollup job re-aggregating a
/// late-written hour, a device's newest values — answers the same before and after compaction, after late writes into
/// compacted days and after those are compacted again; and the stored readings are the written ones, tags included.
/// </summary>
public sealed class CompactionExactnessTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Span = TimeSpan.FromDays(3);
    private static readonly DateTimeOffset Now = T0 + TimeSpan.FromDays(5);
    private static readonly TimeSpan[] Buckets = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(90), TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromDays(1), TimeSpan.FromSeconds(45)];

    [Fact]
    public async Task EveryReadPath_AnswersAlike_BeforeAndAfterCompaction_WithLateWritesCompactedAgain()
    {
        var random = new Random(1);
        await using var dataSource = await DatabaseAsync(postgres, T0, days: 3);
        var job = new RollupJob(dataSource, Options.Create(new RollupOptions()));
        var compaction = new MetricCompaction(dataSource, Options.Create(new MetricsOptions { CompressAfter = TimeSpan.FromDays(1) }));
        await InsertAsync(dataSource, random, 3_000, T0, Span);
        await job.RunOnceAsync(T0 + TimeSpan.FromHours(30)); // the first 29 hours folded, the rest raw
        var queries = Enumerable.Range(0, 20).Select(_ => Query(random)).ToList();

        var before = await AnswersAsync(dataSource, queries);
        var queued = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM rollup_dirty");
        var first = await compaction.RunOnceAsync(Now);

        Assert.Equal(["metrics_p2026_03_01", "metrics_p2026_03_02", "metrics_p2026_03_03"], first.Compacted);
        Assert.Empty(first.Deferred);
        Assert.Equal(3_000L, first.Readings);
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics"));
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT sum(pg_relation_size(inhrelid))::bigint FROM pg_inherits WHERE inhparent = 'metrics'::regclass"));
        Assert.Equal(queued, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM rollup_dirty")); // no hour re-queued: the readings are the same
        Assert.Equal(before, await AnswersAsync(dataSource, queries));
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));

        // Late writes into the compacted days land raw, beside the compacted rows of their hours; the rollup job
        // re-aggregates their hours from both.
        await InsertAsync(dataSource, random, 40, T0, Span);
        var late = await ScalarAsync<long>(dataSource, "SELECT count(DISTINCT date_trunc('day', time, 'UTC')) FROM metrics");
        queries.AddRange(Enumerable.Range(0, 10).Select(_ => Query(random)));
        await AnswersAsync(dataSource, queries);
        await job.RunOnceAsync(Now);
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM rollup_dirty"));
        await RollupsEqualTheReferenceAsync(dataSource);

        var second = await compaction.RunOnceAsync(Now);

        Assert.Equal(late, second.Compacted.Count);
        Assert.Equal(40L, second.Readings);
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM metrics"));
        Assert.Equal(0L, await DifferenceAsync(dataSource, Stored, Reference));
        var afterLate = await AnswersAsync(dataSource, queries);
        await RollupsEqualTheReferenceAsync(dataSource);

        // Each compacted row: one device, metric and hour, its arrays of one length, times sorted within the hour.
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, """
            SELECT count(*) FROM metrics_compact
            WHERE cardinality(times) <> cardinality(vals) OR cardinality(times) <> coalesce(cardinality(tags), cardinality(times))
               OR times <> (SELECT array_agg(t ORDER BY t) FROM unnest(times) t)
               OR (SELECT min(t) FROM unnest(times) t) < hour OR (SELECT max(t) FROM unnest(times) t) >= hour + interval '1 hour'
            """));

        // A further round finds nothing to do and changes nothing.
        var stored = await ScalarAsync<string>(dataSource, "SELECT md5(string_agg(c::text, ',' ORDER BY device_id, metric, hour)) FROM metrics_compact c");
        var third = await compaction.RunOnceAsync(Now);
        Assert.Empty(third.Compacted);
        Assert.Equal(stored, await ScalarAsync<string>(dataSource, "SELECT md5(string_agg(c::text, ',' ORDER BY device_id, metric, hour)) FROM metrics_compact c"));
        Assert.Equal(afterLate, await AnswersAsync(dataSource, queries));
    }

    private static (string Metric, string? Device, bool PerDevice, DateTimeOffset From, DateTimeOffset To, TimeSpan Bucket) Query(Random random)
    {
        var from = T0 - TimeSpan.FromHours(1) + TimeSpan.FromSeconds(random.Next(0, (int)Span.TotalSeconds));
        var to = from + TimeSpan.FromSeconds(random.Next(1, (int)Span.TotalSeconds));
        if (random.Next(3) == 0)
        {
            from = RollupJob.FloorToHour(from);
            to = RollupJob.FloorToHour(to) + TimeSpan.FromHours(1);
        }

        string? device = random.Next(2) == 0 ? ReferenceReadings.Devices[random.Next(ReferenceReadings.Devices.Length)] : null;
        return (ReferenceReadings.Metrics[random.Next(ReferenceReadings.Metrics.Length)], device, device is null && random.Next(2) == 0, from, to, Buckets[random.Next(Buckets.Length)]);
    }

    /// <summary>
    /// The answers of every read path, each first held against the reference rows: the reader's buckets per query, and
    /// each device's newest value per metric (the statement a device reads when it has no state yet).
    /// </summary>
    private static async Task<List<string>> AnswersAsync(NpgsqlDataSource dataSource, List<(string Metric, string? Device, bool PerDevice, DateTimeOffset From, DateTimeOffset To, TimeSpan Bucket)> queries)
    {
        var answers = new List<string>();
        foreach (var (metric, device, perDevice, from, to, bucket) in queries)
        {
            var through = await RollupReader.MetricBucketsAsync(dataSource, metric, device, perDevice, withLast: true, from, to, bucket);
            var expected = await BucketsAsync(dataSource, metric, device, perDevice, from, to, bucket);
            Assert.True(expected.SequenceEqual(through), $"{metric} {device} {perDevice} [{from:O}, {to:O}) by {bucket}: {expected.Length} buckets expected, {through.Length} read; first difference {expected.Zip(through).FirstOrDefault(p => p.First != p.Second)}");
            answers.Add(string.Join(';', through));
        }

        foreach (var device in ReferenceReadings.Devices)
        {
            var latest = new List<(string Metric, double Value, DateTimeOffset Time)>();
            await using (var command = dataSource.CreateCommand(GrainsSql.Get("Devices/LatestMetrics.sql")))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = device });
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    latest.Add((reader.GetString(0), reader.GetDouble(1), reader.GetFieldValue<DateTimeOffset>(2)));
                }
            }

            foreach (var (metric, value, time) in latest)
            {
                // The newest time of the metric, and a value read at that time (of equal times, any).
                Assert.Equal(0L, await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM reference WHERE device_id = '{device}' AND metric = '{metric}' AND time > '{time:O}'"));
                Assert.True(await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM reference WHERE device_id = '{device}' AND metric = '{metric}' AND time = '{time:O}' AND value = {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}") > 0);
            }

            Assert.Equal(await ScalarAsync<long>(dataSource, $"SELECT count(DISTINCT metric) FROM reference WHERE device_id = '{device}'"), latest.Count);
            answers.Add(string.Join(';', latest.Select(l => $"{l.Metric}@{l.Time:O}")));
        }

        return answers;
    }

    /// <summary>The rollup tables equal the aggregates of the reference rows per minute and per hour, first and last included.</summary>
    private static async Task RollupsEqualTheReferenceAsync(NpgsqlDataSource dataSource)
    {
        foreach (var (table, width) in new[] { ("metrics_1m", "1 minute"), ("metrics_1h", "1 hour") })
        {
            var reference = $"""
                SELECT date_bin('{width}', time, TIMESTAMPTZ '2000-01-01 00:00:00+00'), device_id, metric, count(*), sum(value), min(value), max(value),
                       min(time), (array_agg(value ORDER BY time, value))[1], max(time), (array_agg(value ORDER BY time DESC, value DESC))[1]
                FROM reference GROUP BY 1, 2, 3
                """;
            var rolled = $"SELECT bucket, device_id, metric, count, sum, min, max, first_time, first_value, last_time, last_value FROM {table}";
            Assert.Equal(0L, await DifferenceAsync(dataSource, reference, rolled));
        }
    }
}
