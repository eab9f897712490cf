using System.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PgAllInOne.Grains.Rollups;

/// <summary>
/// Folds queued hours into the rollups. Each round is one REPEATABLE READ transaction: the raw rows it aggregates and
/// the queue rows it removes are those of one snapshot, so a write committed meanwhile keeps its queue row and is
/// folded in by a later round (until then readers take its hour raw). Hours at or above the watermark (the last
/// <see cref="RollupOptions.Lag"/>, rounded to the hour) stay queued: they are the raw tail.
/// </summary>
public sealed class RollupJob(NpgsqlDataSource dataSource, IOptions<RollupOptions> options)
{
    // Any fixed 64-bit number shared by all silos; spells "pgaiorol" in ASCII.
    private const long LockKey = 0x7067_6169_6f72_6f6c;

    private static readonly DateTimeOffset Origin = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Rounds until every queued hour below the watermark is folded in.</summary>
    public async Task<RollupReport> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var watermark = FloorToHour(now - options.Value.Lag);
        int metricHours = 0, eventHours = 0;
        while (true)
        {
            var round = await RoundAsync(watermark, cancellationToken);
            if (round is null)
            {
                return new RollupReport(true, metricHours, eventHours, watermark);
            }

            metricHours += round.Value.Metrics;
            eventHours += round.Value.Events;
            if (!round.Value.More)
            {
                return new RollupReport(false, metricHours, eventHours, watermark);
            }
        }
    }

    public static DateTimeOffset FloorToHour(DateTimeOffset time) =>
        Origin + TimeSpan.FromHours(Math.Floor((time.UtcDateTime - Origin.UtcDateTime).TotalHours));

    private async Task<(int Metrics, int Events, bool More)?> RoundAsync(DateTimeOffset watermark, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await RollupReader.LockSourcesAsync(connection, cancellationToken);
        await using (var tryLock = new NpgsqlCommand(GrainsSql.Get("Rollups/TryRollupLock.sql"), connection, transaction))
        {
            tryLock.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LockKey });
            if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return null;
            }
        }

        var (metrics, moreMetrics) = await FoldAsync(connection, "metrics", watermark, ["Rollups/ClearMetricMinutes.sql", "Rollups/ClearMetricHours.sql", "Rollups/RefreshMetricMinutes.sql", "Rollups/RefreshMetricHours.sql"], cancellationToken);
        var (events, moreEvents) = await FoldAsync(connection, "events", watermark, ["Rollups/ClearEventHours.sql", "Rollups/RefreshEventHours.sql"], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (metrics, events, moreMetrics || moreEvents);
    }

    private async Task<(int Hours, bool More)> FoldAsync(NpgsqlConnection connection, string source, DateTimeOffset watermark, string[] statements, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxHoursPerRound;
        var queued = new List<(DateTimeOffset Hour, long[] Ids)>();
        await using (var read = new NpgsqlCommand(GrainsSql.Get("Rollups/DirtyHours.sql"), connection))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
            read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                queued.Add((reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<long[]>(1)));
            }
        }

        var fold = queued.Where(q => q.Hour < watermark).ToList();
        if (fold.Count > 0)
        {
            var (starts, ends) = HourSpans.Of(fold.Select(q => q.Hour));
            // A background job over up to MaxHoursPerRound hours of raw rows: no client-side timeout (a backlog after a
            // large import must not fail every round at the default 30 s and never progress).
            await using var batch = new NpgsqlBatch(connection) { Timeout = 0 };
            foreach (var statement in statements)
            {
                var command = new NpgsqlBatchCommand(GrainsSql.Get(statement));
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = starts });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = ends });
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        // The folded hours leave the queue; of a tail hour one queue row is enough to keep it raw.
        var removed = fold.SelectMany(q => q.Ids).Concat(queued.Where(q => q.Hour >= watermark).SelectMany(q => q.Ids.Order().Skip(1))).ToArray();
        if (removed.Length > 0)
        {
            await using var remove = new NpgsqlCommand(GrainsSql.Get("Rollups/RemoveDirty.sql"), connection);
            remove.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = removed });
            await remove.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var mark = new NpgsqlCommand(GrainsSql.Get("Rollups/SetWatermark.sql"), connection))
        {
            mark.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
            mark.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = watermark });
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        return (fold.Count, queued.Count == limit && fold.Count > 0);
    }
}
