using System.Collections.Immutable;
using System.Data;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Analytics;

namespace PgAllInOne.Grains.Rollups;

/// <summary>
/// Reads through the rollups: hours folded in come from a rollup, the unaligned edges and the hours still queued (the
/// tail above the watermark, late writes) from the raw rows. The queue and the rows are read in one snapshot
/// (REPEATABLE READ), so the answer is the raw statement's over the same rows.
/// </summary>
public static class RollupReader
{
    /// <summary>
    /// A metric per bucket over [<paramref name="from"/>, <paramref name="to"/>): of <paramref name="device"/> or of all
    /// devices, per device or overall; with the newest reading when <paramref name="withLast"/>.
    /// </summary>
    public static async Task<ImmutableArray<MetricPartial>> MetricBucketsAsync(
        NpgsqlDataSource dataSource, string metric, string? device, bool perDevice, bool withLast, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await LockSourcesAsync(connection, cancellationToken);
        var grain = RollupPlan.GrainFor(bucket);
        var dirty = grain is null ? [] : await DirtyHoursAsync(connection, "metrics", from, to, cancellationToken);
        var (rollup, raw) = RollupPlan.Split(from, to, grain, dirty);
        var table = grain == TimeSpan.FromHours(1) ? "metrics_1h" : "metrics_1m"; // fixed names only
        await using var command = new NpgsqlCommand(GrainsSql.Get("Rollups/MetricBuckets.sql").Replace("{rollup}", table, StringComparison.Ordinal), connection);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = bucket });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = metric });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)device ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = perDevice });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = withLast });
        AddSpans(command, rollup);
        AddSpans(command, raw);
        var rows = ImmutableArray.CreateBuilder<MetricPartial>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new MetricPartial(
                    reader.GetFieldValue<DateTimeOffset>(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.GetInt64(2),
                    reader.GetDouble(3),
                    reader.GetDouble(4),
                    reader.GetDouble(5),
                    reader.IsDBNull(6) ? 0 : reader.GetDouble(6),
                    reader.GetFieldValue<DateTimeOffset>(7)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return rows.DrainToImmutable();
    }

    /// <summary>Events per type or UTC day (<paramref name="groupBy"/>) over [<paramref name="from"/>, <paramref name="to"/>), of one type when given.</summary>
    public static async Task<ImmutableArray<EventGroupRow>> EventGroupsAsync(
        NpgsqlDataSource dataSource, string groupBy, string? type, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await LockSourcesAsync(connection, cancellationToken);
        var dirty = await DirtyHoursAsync(connection, "events", from, to, cancellationToken);
        var (rollup, raw) = RollupPlan.Split(from, to, TimeSpan.FromHours(1), dirty);
        await using var command = new NpgsqlCommand(GrainsSql.Get("Rollups/EventGroups.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = groupBy });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)type ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        AddSpans(command, rollup);
        AddSpans(command, raw);
        var rows = ImmutableArray.CreateBuilder<EventGroupRow>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new EventGroupRow(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return rows.DrainToImmutable();
    }

    private static async Task<HashSet<DateTimeOffset>> DirtyHoursAsync(NpgsqlConnection connection, string source, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get("Rollups/ReadDirtyInRange.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = RollupJob.FloorToHour(from) });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to });
        var hours = new HashSet<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hours.Add(reader.GetFieldValue<DateTimeOffset>(0));
        }

        return hours;
    }

    private static void AddSpans(NpgsqlCommand command, List<(DateTimeOffset From, DateTimeOffset To)> spans)
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
