using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Grains.Maintenance;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Analytics;

/// <summary>OLAP fan-out over partitions, checked against the one SQL statement that computes the same over the same rows.</summary>
public sealed class OlapTests(OlapTests.InSeptember shared) : IClassFixture<OlapTests.InSeptember>
{
    private const int EventRows = 300_000;
    private const int MetricRows = 200_000;
    private static readonly DateTimeOffset Start = new(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);

    private const string EventKey = """
        CASE @group WHEN 'type' THEN type WHEN 'day' THEN to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') ELSE user_id::text END
        """;

    private TestSilo Silo => shared.Silo;

    private string Database => shared.Database;

    [Fact]
    public async Task EventCounts_EqualTheSingleStatement_OverPartitionsAndTheDefaultPartition()
    {
        await using var dataSource = NpgsqlDataSource.Create(Database);
        // Partitions for September to December; January's rows wait in the default partition.
        await new PartitionMaintenance(dataSource, Options.Create(new MaintenanceOptions { EventMonthsAhead = 3 })).RunOnceAsync(Start.AddDays(3));
        await ExecuteAsync(dataSource, $"""
            INSERT INTO events (user_id, type, occurred_at)
            SELECT 1 + (i * 7919) % 500, (ARRAY['click','view','buy','login','logout','share','like','search'])[1 + (i * 31 + i / 1000) % 8],
                   TIMESTAMPTZ '2026-09-01 00:00:00+00' + i * interval '37 seconds' + (i % 1000) * interval '1 microsecond'
            FROM generate_series(1::bigint, {EventRows}) AS i
            """);
        Assert.True(await ScalarAsync<long>(dataSource, "SELECT count(*) FROM events_default") > 0);

        var from = new DateTimeOffset(2026, 9, 10, 13, 17, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2027, 1, 5, 5, 0, 0, TimeSpan.Zero);
        foreach (var (groupBy, type, top) in new (string, string?, int?)[] { ("type", null, null), ("day", null, null), ("user", null, null), ("user", "buy", 25), ("day", "view", 10), ("type", null, 3) })
        {
            var result = await Silo.Grains.QueryAnalyticsAsync(AnalyticsQuery.Events(groupBy, from, to, type, top));

            var expected = await ReadEventsAsync(dataSource, groupBy, from, to, type, top);
            var actual = result.Result.Events.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
            Assert.Equal(expected, actual);
            Assert.False(result.Hit);
        }

        var all = await Silo.Grains.QueryAnalyticsAsync(AnalyticsQuery.Events("type", Start, Start.AddYears(1)));
        Assert.Equal(EventRows, all.Result.Events.Sum(r => r.Count));
        Assert.Equal(all.Result.Events.OrderByDescending(r => r.Count).ThenBy(r => r.Key, StringComparer.Ordinal), all.Result.Events);
    }

    [Fact]
    public async Task MetricAggregates_EqualTheSingleStatement_PerBucketAndDevice()
    {
        await using var dataSource = NpgsqlDataSource.Create(Database);
        await new PartitionMaintenance(dataSource, Options.Create(new MaintenanceOptions { MetricDaysAhead = 6, MetricRetentionDays = 3650 })).RunOnceAsync(Start);
        await ExecuteAsync(dataSource, $"""
            INSERT INTO metrics (time, device_id, metric, value)
            SELECT TIMESTAMPTZ '2026-09-01 00:00:00+00' + i * interval '3 seconds', 'device-' || (i % 40),
                   CASE WHEN i % 3 = 0 THEN 'requests' ELSE 'temperature' END,
                   CASE WHEN i % 3 = 0 THEN (i * 13) % 1000 ELSE round(((i * 7919) % 100000)::numeric / 100.0 - 200, 2)::float8 END
            FROM generate_series(1::bigint, {MetricRows}) AS i
            """);
        // Readings of several devices at the same instant: of equal times, "last" is the largest value.
        await ExecuteAsync(dataSource, """
            INSERT INTO metrics (time, device_id, metric, value)
            SELECT TIMESTAMPTZ '2026-09-03 00:00:01.5+00' + (i / 5) * interval '1 hour', 'device-tie-' || (i % 5), 'temperature', (i * 37) % 11
            FROM generate_series(1, 500) AS i
            """);

        var from = new DateTimeOffset(2026, 9, 1, 7, 30, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2026, 9, 7, 20, 0, 0, TimeSpan.Zero);
        foreach (var metric in new[] { "temperature", "requests" })
        {
            foreach (var aggregate in new[] { "avg", "min", "max", "sum", "count", "last" })
            {
                foreach (var (groupBy, bucket) in new[] { ("none", TimeSpan.FromHours(1)), ("device", TimeSpan.FromHours(6)), ("none", TimeSpan.FromDays(2)) })
                {
                    var result = await Silo.Grains.QueryAnalyticsAsync(AnalyticsQuery.Metrics(metric, from, to, bucket, aggregate, groupBy));

                    var expected = await ReadMetricsAsync(dataSource, metric, from, to, bucket, aggregate, groupBy == "device");
                    var actual = result.Result.Metrics;
                    Assert.Equal(expected.Select(e => (e.Bucket, e.Device, e.Count)), actual.Select(a => (a.Bucket, a.Device, a.Count)));
                    var exact = metric == "requests" || aggregate is "min" or "max" or "count" or "last";
                    for (var i = 0; i < expected.Count; i++)
                    {
                        // Whole numbers sum exactly in any order; fractional sums differ only in the last bits.
                        Assert.True(
                            exact ? expected[i].Value == actual[i].Value : Math.Abs(expected[i].Value - actual[i].Value) <= 1e-9 * Math.Max(1, Math.Abs(expected[i].Value)),
                            $"{metric} {aggregate} {groupBy} {expected[i].Bucket}: {expected[i].Value} against {actual[i].Value}");
                    }
                }
            }
        }
    }

    [Fact]
    public async Task MalformedQueries_AreRefusedWithTheReason()
    {
        var now = DateTimeOffset.UtcNow;
        var bad = new[]
        {
            AnalyticsQuery.Events("month", now.AddDays(-1), now),
            AnalyticsQuery.Events("type", now, now.AddDays(-1)),
            AnalyticsQuery.Events("type", now.AddYears(-20), now),
            AnalyticsQuery.Events("type", now.AddDays(-1), now, top: 0),
            AnalyticsQuery.Metrics("", now.AddDays(-1), now, TimeSpan.FromMinutes(1)),
            AnalyticsQuery.Metrics("t", now.AddDays(-1), now, TimeSpan.Zero),
            AnalyticsQuery.Metrics("t", now.AddYears(-1), now, TimeSpan.FromSeconds(1)),
            AnalyticsQuery.Metrics("t", now.AddDays(-1), now, TimeSpan.FromMinutes(1), "median"),
            AnalyticsQuery.Metrics("t", now.AddDays(-1), now, TimeSpan.FromMinutes(1), groupBy: "'; DROP TABLE metrics; --"),
            new AnalyticsQuery("tables", "type", now.AddDays(-1), now),
        };

        foreach (var query in bad)
        {
            var error = await Assert.ThrowsAsync<ValidationException>(() => Silo.Grains.QueryAnalyticsAsync(query));
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }

        var wrongKey = AnalyticsQuery.Events("type", now.AddDays(-1), now);
        await Assert.ThrowsAsync<ValidationException>(() => Silo.Grains.GetGrain<IQueryCacheGrain>("events-0").Get(wrongKey));
    }

    private static async Task<List<EventGroupRow>> ReadEventsAsync(NpgsqlDataSource dataSource, string groupBy, DateTimeOffset from, DateTimeOffset to, string? type, int? top)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT key, count, first_at, last_at FROM (
              SELECT {EventKey} AS key, count(*) AS count, min(occurred_at) AS first_at, max(occurred_at) AS last_at
              FROM events
              WHERE occurred_at >= @from AND occurred_at < @to AND (@type::text IS NULL OR type = @type)
              GROUP BY 1
              ORDER BY count(*) DESC, ({EventKey}) COLLATE "C"
              LIMIT @top) AS grouped
            ORDER BY key COLLATE "C"
            """);
        command.Parameters.AddWithValue("group", groupBy);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        command.Parameters.Add(new NpgsqlParameter("type", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)type ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("top", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)top ?? DBNull.Value });
        var rows = new List<EventGroupRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new EventGroupRow(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return rows;
    }

    private static async Task<List<MetricSeriesRow>> ReadMetricsAsync(NpgsqlDataSource dataSource, string metric, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, string aggregate, bool perDevice)
    {
        var expression = aggregate switch
        {
            "count" => "count(*)::float8",
            "last" => "(array_agg(value ORDER BY time DESC, value DESC))[1]", // the newest reading; of equal times, the largest
            _ => $"{aggregate}(value)",
        };
        await using var command = dataSource.CreateCommand($"""
            SELECT date_bin(@bucket, time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, CASE WHEN @perDevice THEN device_id END AS device, {expression}, count(*)
            FROM metrics
            WHERE metric = @metric AND time >= @from AND time < @to
            GROUP BY 1, 2
            ORDER BY 1, (CASE WHEN @perDevice THEN device_id END) COLLATE "C"
            """);
        command.Parameters.AddWithValue("bucket", bucket);
        command.Parameters.AddWithValue("perDevice", perDevice);
        command.Parameters.AddWithValue("metric", metric);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        var rows = new List<MetricSeriesRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new MetricSeriesRow(reader.GetFieldValue<DateTimeOffset>(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetDouble(2), reader.GetInt64(3)));
        }

        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The class's silo, its data clock at <see cref="Start"/>: its own maintenance round keeps the partitions of the
    /// tests' months and no later ones, and is over (its last partitions are there) before a test adds its own.
    /// </summary>
    public sealed class InSeptember : SharedSilo, IAsyncLifetime
    {
        protected override TimeProvider Clock { get; } = new FakeTimeProvider(Start);

        async Task IAsyncLifetime.InitializeAsync()
        {
            await InitializeAsync();
            await using var dataSource = NpgsqlDataSource.Create(Database);
            var days = new MaintenanceOptions().MetricDaysAhead + 1;
            await Eventually.TrueAsync(
                async () => await ScalarAsync<long>(dataSource, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'metrics'::regclass") >= days,
                "the silo's first maintenance round to create its metric partitions",
                TimeSpan.FromSeconds(30));
        }
    }
}
