using Npgsql;

namespace PgAllInOne.Grains.Rollups;

/// <summary>
/// One consistent read through the rollups: the sources' locks (before the snapshot: see LockSources.sql), the hours
/// still queued in the range and the statements planned for them, in one REPEATABLE READ snapshot. The plan is first
/// made for the hours the last read saw queued (<see cref="QueuedHoursHint"/>) and sent with the locks and the queue's
/// read in one round trip. Only when an hour queued now was left out of that guess are its rows dropped, and the plan
/// made again for what is queued, in a snapshot of its own (two round trips: the queue, then the plan). Every statement is
/// planned for its own values (<c>plan_cache_mode</c>): a generic plan of a prepared statement cannot see the range, so
/// it guessed a handful of rows and sorted 10,000 events by user where hashing them took half the time, and it locks
/// every partition where a plan for the range locks only the partitions of the range.
/// </summary>
internal static class RollupSnapshot
{
    /// <summary>
    /// A guess of more queued hours than this in the range is not trusted: after a fold of a large backfill it would read
    /// all those hours raw for nothing, so the queue is read first instead.
    /// </summary>
    private const int GuessAtMost = 24;

    private static readonly IReadOnlySet<DateTimeOffset> NoHours = new HashSet<DateTimeOffset>();

    /// <summary>
    /// The rows of <paramref name="plan"/>'s statements over [<paramref name="from"/>, <paramref name="to"/>), read by
    /// <paramref name="row"/>: planned for the hours queued for <paramref name="source"/>, or for none when no rollup can
    /// answer (<paramref name="source"/> null: a read of raw rows only, which still wants the locks first).
    /// </summary>
    public static async Task<List<T>> ReadAsync<T>(
        NpgsqlDataSource dataSource,
        string lockSql,
        string? source,
        DateTimeOffset from,
        DateTimeOffset to,
        Func<IReadOnlySet<DateTimeOffset>, IEnumerable<NpgsqlBatchCommand>> plan,
        Func<NpgsqlDataReader, T> row,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (source is null)
        {
            return (await SendAsync(connection, [.. Open(lockSql), .. plan(NoHours), Commit()], queueFirst: false, row, cancellationToken)).Rows;
        }

        var hint = QueuedHoursHint.For(dataSource);
        var firstHour = RollupJob.FloorToHour(from);
        var guess = hint.Within(source, firstHour, to);
        if (guess.Count <= GuessAtMost)
        {
            var (queued, rows) = await SendAsync(connection, [.. Open(lockSql), Queue(source, firstHour, to), .. plan(guess), Commit()], queueFirst: true, row, cancellationToken);
            var missed = !queued.IsSubsetOf(guess);
            hint.Learn(source, firstHour, to, queued, missed);
            if (!missed)
            {
                return rows;
            }
        }

        var (now, _) = await SendAsync(connection, [.. Open(lockSql), Queue(source, firstHour, to)], queueFirst: true, row, cancellationToken);
        hint.Learn(source, firstHour, to, now, missed: false);
        return (await SendAsync(connection, [.. plan(now), Commit()], queueFirst: false, row, cancellationToken)).Rows;
    }

    // One round trip. LOCK, BEGIN and COMMIT return no rows: the result sets are the queue's (when asked), then the plan's.
    // A failure leaves the transaction open on the connection, which the pool rolls back when it takes the connection back.
    private static async Task<(HashSet<DateTimeOffset> Queued, List<T> Rows)> SendAsync<T>(
        NpgsqlConnection connection, NpgsqlBatchCommand[] commands, bool queueFirst, Func<NpgsqlDataReader, T> row, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        var queued = new HashSet<DateTimeOffset>();
        var rows = new List<T>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (queueFirst)
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                queued.Add(reader.GetFieldValue<DateTimeOffset>(0));
            }

            await reader.NextResultAsync(cancellationToken);
        }

        do
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(row(reader));
            }
        }
        while (await reader.NextResultAsync(cancellationToken));

        return (queued, rows);
    }

    // The transaction, its planning and the sources' locks, before anything takes the snapshot.
    private static NpgsqlBatchCommand[] Open(string lockSql) =>
        [new("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"), new("SET LOCAL plan_cache_mode = force_custom_plan"), new(GrainsSql.Get(lockSql))];

    private static NpgsqlBatchCommand Commit() => new("COMMIT");

    private static NpgsqlBatchCommand Queue(string source, DateTimeOffset firstHour, DateTimeOffset to)
    {
        var command = new NpgsqlBatchCommand(GrainsSql.Get("Rollups/ReadDirtyInRange.sql"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = firstHour });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to });
        return command;
    }
}
