using System.Collections.Immutable;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Analytics;

namespace PgAllInOne.Grains.Rollups;

/// <summary>
/// Reads through the rollups: hours folded in come from a rollup, the unaligned edges and the hours still queued (the
/// tail above the watermark, late writes) from the raw rows. The queue and the rows are read in one snapshot
/// (<see cref="RollupSnapshot"/>, usually one round trip), so the answer is the raw statement's over the same rows.
/// </summary>
public static class RollupReader
{
    /// <summary>
    /// Raw spans up to this many are read by a statement each, in one batch (each plans only its own partitions);
    /// more (many hours queued apart, as after scattered late writes) by one statement over all of them.
    /// </summary>
    internal const int RawStatementsAtMost = 8;

    /// <summary>
    /// A metric per bucket over [<paramref name="from"/>, <paramref name="to"/>): of <paramref name="device"/> or of all
    /// devices, per device or overall; with the newest reading when <paramref name="withLast"/>.
    /// </summary>
    public static Task<ImmutableArray<MetricPartial>> MetricBucketsAsync(
        NpgsqlDataSource dataSource, string metric, string? device, bool perDevice, bool withLast, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, CancellationToken cancellationToken = default) =>
        MetricBucketsAsync(dataSource, metric, device, perDevice, withLast, from, to, bucket, RawStatementsAtMost, cancellationToken);

    /// <summary>
    /// <see cref="MetricBucketsAsync(NpgsqlDataSource, string, string?, bool, bool, DateTimeOffset, DateTimeOffset, TimeSpan, CancellationToken)"/>
    /// with raw spans up to <paramref name="rawStatementsAtMost"/> read by a statement each (tests hold both ways to the raw statement).
    /// </summary>
    internal static async Task<ImmutableArray<MetricPartial>> MetricBucketsAsync(
        NpgsqlDataSource dataSource, string metric, string? device, bool perDevice, bool withLast, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, int rawStatementsAtMost, CancellationToken cancellationToken = default)
    {
        var grain = RollupPlan.GrainFor(bucket);
        var parts = await RollupSnapshot.ReadAsync(
            dataSource,
            "Rollups/LockMetricSources.sql",
            grain is null ? null : "metrics",
            from,
            to,
            queued => MetricStatements(metric, device, perDevice, withLast, from, to, bucket, grain, queued, rawStatementsAtMost),
            reader => new MetricPartial(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetInt64(2),
                reader.GetDouble(3),
                reader.GetDouble(4),
                reader.GetDouble(5),
                withLast && !reader.IsDBNull(6) ? reader.GetDouble(6) : 0,
                reader.GetFieldValue<DateTimeOffset>(7)),
            cancellationToken);

        // A bucket cut by a span's edge has a part from each side.
        var merged = new Dictionary<(DateTimeOffset Bucket, string? Device), MetricPartial>(parts.Count);
        foreach (var part in parts)
        {
            merged[(part.Bucket, part.Device)] = merged.TryGetValue((part.Bucket, part.Device), out var seen) ? Merge(seen, part) : part;
        }

        return [.. merged.Values.OrderBy(p => p.Bucket).ThenBy(p => p.Device, StringComparer.Ordinal)];
    }

    // The hour, minute and raw spans of the range, with the queued hours raw: each statement names only what it reads.
    private static IEnumerable<NpgsqlBatchCommand> MetricStatements(
        string metric, string? device, bool perDevice, bool withLast, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, TimeSpan? grain, IReadOnlySet<DateTimeOffset> queued, int rawStatementsAtMost)
    {
        var spans = RollupPlan.Split(from, to, grain, queued);
        if (spans.Hours.Count + spans.Minutes.Count > 0)
        {
            // A rollup row is a bucket of its own when the bucket is the rollup's width (one device, or per device).
            var last = withLast ? "(array_agg(r.last_value ORDER BY r.last_time DESC, r.last_value DESC))[1]" : "NULL::float8";
            var rows = bucket == grain && (device is not null || perDevice);
            var (sql, rollup, first, second) =
                !rows ? ("Rollups/MetricRollupBuckets.sql", null, spans.Hours, spans.Minutes)
                : grain == HourSpans.Hour ? ("Rollups/MetricRollupRows.sql", "metrics_1h", spans.Hours, spans.Minutes)
                : ("Rollups/MetricRollupRows.sql", "metrics_1m", spans.Minutes, []);
            yield return BucketsCommand(Template(sql, last, rollup), bucket, metric, device, perDevice, first, second);
        }

        var rawLast = withLast ? "(array_agg(m.value ORDER BY m.time DESC, m.value DESC))[1]" : "NULL::float8";
        if (spans.Raw.Count > rawStatementsAtMost)
        {
            yield return BucketsCommand(Template("Rollups/MetricRawSpans.sql", rawLast, rollup: null), bucket, metric, device, perDevice, spans.Raw, second: null);
            yield break;
        }

        var rawSpan = Template("Rollups/MetricRawSpan.sql", rawLast, rollup: null);
        foreach (var (a, b) in spans.Raw)
        {
            var command = BucketsCommand(rawSpan, bucket, metric, device, perDevice, first: null, second: null);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = a });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = b });
            yield return command;
        }
    }

    // Two parts of one bucket: counts and sums add, minima and maxima compare, the newer reading is the last (of equal
    // times the larger value, as ORDER BY time DESC, value DESC).
    private static MetricPartial Merge(MetricPartial a, MetricPartial b)
    {
        var newer = a.LastAt > b.LastAt || (a.LastAt == b.LastAt && a.Last >= b.Last) ? a : b;
        return new MetricPartial(a.Bucket, a.Device, a.Count + b.Count, a.Sum + b.Sum, Math.Min(a.Min, b.Min), Math.Max(a.Max, b.Max), newer.Last, newer.LastAt);
    }

    // A statement's template filled: {last} always, {rollup} where the statement names one.
    private static string Template(string name, string last, string? rollup)
    {
        var sql = GrainsSql.Get(name).Replace("{last}", last, StringComparison.Ordinal);
        return rollup is null ? sql : sql.Replace("{rollup}", rollup, StringComparison.Ordinal); // fixed names only
    }

    // $1 bucket, $2 metric, $3 device or null, $4 per device, then each list of spans given as two arrays ($5, $6; $7, $8).
    private static NpgsqlBatchCommand BucketsCommand(
        string sql, TimeSpan bucket, string metric, string? device, bool perDevice, List<(DateTimeOffset From, DateTimeOffset To)>? first, List<(DateTimeOffset From, DateTimeOffset To)>? second)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = bucket });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = metric });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)device ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = perDevice });
        foreach (var spans in new[] { first, second })
        {
            if (spans is not null)
            {
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. spans.Select(s => s.From)] });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. spans.Select(s => s.To)] });
            }
        }

        return command;
    }

    /// <summary>Events per type or UTC day (<paramref name="groupBy"/>) over [<paramref name="from"/>, <paramref name="to"/>), of one type when given.</summary>
    public static async Task<ImmutableArray<EventGroupRow>> EventGroupsAsync(
        NpgsqlDataSource dataSource, string groupBy, string? type, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var rows = await RollupSnapshot.ReadAsync(
            dataSource,
            "Rollups/LockEventSources.sql",
            "events",
            from,
            to,
            queued =>
            {
                var spans = RollupPlan.Split(from, to, TimeSpan.FromHours(1), queued, minuteRollup: false);
                var command = new NpgsqlBatchCommand(GrainsSql.Get("Rollups/EventGroups.sql"));
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = groupBy });
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)type ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                AddSpans(command, spans.Hours);
                AddSpans(command, spans.Raw);
                return [command];
            },
            reader => new EventGroupRow(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3)),
            cancellationToken);
        return [.. rows];
    }

    private static void AddSpans(NpgsqlBatchCommand command, List<(DateTimeOffset From, DateTimeOffset To)> spans)
    {
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. spans.Select(s => s.From)] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. spans.Select(s => s.To)] });
    }

    /// <summary>Takes the sources' locks before the snapshot of a REPEATABLE READ transaction (see LockSources.sql).</summary>
    internal static async Task LockSourcesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get("Rollups/LockSources.sql"), connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
