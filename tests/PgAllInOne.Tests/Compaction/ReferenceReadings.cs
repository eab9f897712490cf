using System.Collections.Immutable;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.Grains.Partitions;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Compaction;

/// <summary>
/// Test data for compaction: random readings written both into <c>metrics</c> and into a plain table
/// <c>reference</c> that no job touches, so that whatever the product does to the readings' storage, its answers can
/// be held against the same statement over the reference rows.
/// </summary>
internal static class ReferenceReadings
{
    public static readonly string[] Devices = ["d1", "d2", "d3"];
    public static readonly string[] Metrics = ["temp", "load"];

    /// <summary>A migrated database with the reference table, and the metrics day partitions of <paramref name="days"/>.</summary>
    public static async Task<NpgsqlDataSource> DatabaseAsync(PostgresFixture postgres, DateTimeOffset firstDay, int days)
    {
        var dataSource = await postgres.CreateMigratedDataSourceAsync();
        await ExecuteAsync(dataSource, "CREATE TABLE reference (time timestamptz NOT NULL, device_id text NOT NULL, metric text NOT NULL, value double precision NOT NULL, tags jsonb)");
        using var catalog = new PartitionCatalog(dataSource, TimeProvider.System);
        await catalog.EnsureAsync(PartitionScheme.Metrics, Enumerable.Range(0, days).Select(d => firstDay.AddDays(d)));
        return dataSource;
    }

    /// <summary>
    /// Random readings over [<paramref name="from"/>, <paramref name="from"/> + <paramref name="span"/>): values are
    /// quarters (sums exact in any order), some share a time, some a time and a value with other tags, a third have tags.
    /// </summary>
    public static async Task InsertAsync(NpgsqlDataSource dataSource, Random random, int rows, DateTimeOffset from, TimeSpan span)
    {
        var times = Enumerable.Range(0, rows).Select(_ => from + TimeSpan.FromMilliseconds(random.NextInt64(0, (long)span.TotalMilliseconds))).ToArray();
        var devices = times.Select(_ => Devices[random.Next(Devices.Length)]).ToArray();
        var metrics = times.Select(_ => Metrics[random.Next(Metrics.Length)]).ToArray();
        var values = times.Select(_ => random.Next(-40, 40) / 4.0).ToArray();
        var tags = times.Select(_ => random.Next(3) switch
        {
            0 => $$"""{"room": "r{{random.Next(4)}}"}""",
            1 => $$"""{"nested": {"a": [1, "x"]}, "n": {{random.Next(100)}}, "ok": true}""",
            _ => null,
        }).ToArray();
        for (var i = 1; i < rows; i += 7)
        {
            (times[i], devices[i], metrics[i]) = (times[i - 1], devices[i - 1], metrics[i - 1]);
            if (i % 3 == 1)
            {
                values[i] = values[i - 1]; // a reading that differs from another only in its tags
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var table in new[] { "metrics", "reference" })
        {
            var insert = new NpgsqlBatchCommand($"INSERT INTO {table} (time, device_id, metric, value, tags) SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::jsonb[])");
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = times });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = devices });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = metrics });
            insert.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = values });
            insert.Parameters.Add(new NpgsqlParameter { Value = tags, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            batch.BatchCommands.Add(insert);
        }

        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// What the product's reader answers must equal: the aggregate as one statement over the rows of
    /// <paramref name="table"/> (the reference rows, or the raw <c>metrics</c> themselves).
    /// </summary>
    public static async Task<ImmutableArray<MetricPartial>> BucketsAsync(NpgsqlDataSource dataSource, string metric, string? device, bool perDevice, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, string table = "reference")
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT date_bin($1, time, TIMESTAMPTZ '2000-01-01 00:00:00+00'), CASE WHEN $4 THEN device_id END, count(*), sum(value), min(value), max(value),
                   (array_agg(value ORDER BY time DESC, value DESC))[1], max(time)
            FROM {table} WHERE metric = $2 AND ($3::text IS NULL OR device_id = $3) AND time >= $5 AND time < $6
            GROUP BY 1, 2 ORDER BY 1, 2
            """);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = bucket });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = metric });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)device ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = perDevice });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to });
        var rows = ImmutableArray.CreateBuilder<MetricPartial>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new MetricPartial(reader.GetFieldValue<DateTimeOffset>(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return rows.DrainToImmutable();
    }

    /// <summary>Readings in one of the two statements' answers and not (as many times) in the other: none when they are the same multiset.</summary>
    public static async Task<long> DifferenceAsync(NpgsqlDataSource dataSource, string left, string right) =>
        await ScalarAsync<long>(dataSource, $"SELECT (SELECT count(*) FROM (({left}) EXCEPT ALL ({right})) a) + (SELECT count(*) FROM (({right}) EXCEPT ALL ({left})) b)");

    /// <summary>Every reading as stored, raw or compacted, tags included.</summary>
    public const string Stored = "SELECT time, device_id, metric, value, tags FROM metric_readings('-infinity', 'infinity')";

    public const string Reference = "SELECT time, device_id, metric, value, tags FROM reference";

    /// <summary>
    /// A job that dies while it waits for a day's raw partition: a reader holds the partition while <paramref name="job"/>
    /// starts (its file written or its rows moved by then) and waits for its exclusive lock; then the job's backend is
    /// terminated, and the job fails.
    /// </summary>
    public static async Task DiesWaitingForTheDayAsync(NpgsqlDataSource dataSource, string partition, Func<Task> job)
    {
        await using var reader = await dataSource.OpenConnectionAsync();
        await using var reading = await reader.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand($"LOCK TABLE {partition} IN ACCESS SHARE MODE", reader, reading))
        {
            await hold.ExecuteNonQueryAsync();
        }

        var running = job();
        var waiting = $"FROM pg_locks WHERE NOT granted AND relation = '{partition}'::regclass AND mode = 'AccessExclusiveLock'";
        await Eventually.TrueAsync(async () => await ScalarAsync<long>(dataSource, "SELECT count(*) " + waiting) == 1, $"the job waiting for {partition}", TimeSpan.FromSeconds(30));
        Assert.True(await ScalarAsync<bool>(dataSource, "SELECT pg_terminate_backend(pid) " + waiting));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => running);
        await reading.RollbackAsync();
    }

    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
