using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Grains.Partitions;

namespace PgAllInOne.Grains.Compaction;

/// <summary>
/// Rewrites the metrics day partitions older than <see cref="MetricsOptions.CompressAfter"/> compactly: each day in a
/// transaction of its own moves the raw rows into <c>metrics_compact</c> (one row per device, metric and hour), first
/// under row locks while writers go on, then under the day partition's lock only for the rows written meanwhile, and
/// truncates the raw partition. The transaction commits all of it or nothing: a silo that dies mid-way leaves every
/// reading raw, none lost or doubled. The raw partition stays attached and empty, so that late writes into the day land
/// raw (read with the compacted rows through <c>metric_readings</c>) and are merged in by a later round. Runs on the
/// owner's connection; one silo at a time (the compacted table's partition lock).
/// </summary>
public sealed class MetricCompaction(NpgsqlDataSource dataSource, IOptions<MetricsOptions> options)
{
    /// <summary>The longest wait for any lock (writers into the day queue behind a waiting lock); longer in tests that hold one.</summary>
    internal TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public async Task<CompactionReport> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // Whole UTC days that ended at least CompressAfter ago.
        var before = DateOnly.FromDateTime((now - options.Value.CompressAfter).UtcDateTime);
        var compacted = new List<string>();
        var deferred = new List<string>();
        long readings = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var day in await RawDaysAsync(connection, before, cancellationToken))
        {
            var (outcome, moved) = await CompactDayAsync(connection, day, LockTimeout, cancellationToken);
            if (outcome == DayOutcome.Busy)
            {
                return new CompactionReport(compacted.Count == 0, compacted, deferred, readings);
            }

            if (outcome == DayOutcome.Gone)
            {
                continue;
            }

            compacted.Add(PartitionScheme.Metrics.Name(day));
            readings += moved;
            if (outcome == DayOutcome.Deferred)
            {
                deferred.Add(PartitionScheme.Metrics.Name(day));
            }
        }

        return new CompactionReport(false, compacted, deferred, readings);
    }

    private static async Task<List<DateOnly>> RawDaysAsync(NpgsqlConnection connection, DateOnly before, CancellationToken cancellationToken)
    {
        var days = new List<DateOnly>();
        await using var command = new NpgsqlCommand(GrainsSql.Get("Compaction/RawDaysWithPages.sql"), connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (PartitionScheme.Metrics.TryParse(reader.GetString(0), out var day) && day < before)
            {
                days.Add(day);
            }
        }

        return [.. days.Order()];
    }

    /// <summary>One day in one transaction, and the readings it moved.</summary>
    private static async Task<(DayOutcome Outcome, long Readings)> CompactDayAsync(NpgsqlConnection connection, DateOnly day, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        var raw = PartitionScheme.Metrics.Name(day);
        var compact = PartitionScheme.MetricsCompact.Name(day);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            // Every lock this transaction waits for, it waits for at most LockTimeout (writers queue behind a waiting lock).
            await using (var timeout = new NpgsqlCommand(GrainsSql.Get("Compaction/LockTimeout.sql"), connection))
            {
                timeout.Parameters.Add(new NpgsqlParameter<string> { TypedValue = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(long)lockTimeout.TotalMilliseconds}ms") });
                await timeout.ExecuteNonQueryAsync(cancellationToken);
            }

            await PartitionCatalog.LockAsync(connection, PartitionScheme.MetricsCompact, cancellationToken);
            await using (var pages = new NpgsqlCommand(GrainsSql.Get("Compaction/HasPages.sql"), connection))
            {
                pages.Parameters.Add(new NpgsqlParameter<string> { TypedValue = raw });
                if (await pages.ExecuteScalarAsync(cancellationToken) is not true)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return (DayOutcome.Gone, 0);
                }
            }

            if (!(await PartitionCatalog.ListAsync(connection, PartitionScheme.MetricsCompact, cancellationToken)).Contains(compact))
            {
                await PartitionCatalog.AttachEmptyAsync(connection, PartitionScheme.MetricsCompact, day, cancellationToken);
            }

            var moved = await MoveAsync(connection, raw, compact, cancellationToken);
            var outcome = DayOutcome.Compacted;
            await transaction.SaveAsync("truncate", cancellationToken);
            try
            {
                await ExecuteAsync(connection, Template("Compaction/LockRawDay.sql", raw, compact), cancellationToken);
                moved += await MoveAsync(connection, raw, compact, cancellationToken);
                await ExecuteAsync(connection, Template("Compaction/TruncateRawDay.sql", raw, compact), cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                // Readers hold the day for longer than LockTimeout: what moved is committed (every reading is in exactly one
                // place either way); the dead rows' pages are given back by a later round.
                await transaction.RollbackAsync("truncate", cancellationToken);
                outcome = DayOutcome.Deferred;
            }

            await transaction.CommitAsync(cancellationToken);
            return (outcome, moved);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.UndefinedTable)
        {
            // 55P03: another silo compacts, or retention is dropping days; 42P01: the day was dropped since it was listed
            // (an invalid name in the regclass cast, or in the day's statements).
            await transaction.RollbackAsync(cancellationToken);
            return (exception.SqlState == PostgresErrorCodes.UndefinedTable ? DayOutcome.Gone : DayOutcome.Busy, 0);
        }
    }

    private static async Task<long> MoveAsync(NpgsqlConnection connection, string raw, string compact, CancellationToken cancellationToken)
    {
        // A day of raw rows in one statement: no client-side timeout (a dense day takes longer than the default 30 s).
        await using var command = new NpgsqlCommand(Template("Compaction/CompactRows.sql", raw, compact), connection) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0);
    }

    // DDL and the day's statements take no parameters: the blanks are the partition scheme's names, never input.
    private static string Template(string file, string raw, string compact) =>
        GrainsSql.Get(file).Replace("{partition}", raw, StringComparison.Ordinal).Replace("{compact}", compact, StringComparison.Ordinal);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private enum DayOutcome
    {
        /// <summary>Moved and the raw partition truncated.</summary>
        Compacted,

        /// <summary>Moved; the raw partition's pages wait for a later round.</summary>
        Deferred,

        /// <summary>The compacted table's lock was not had within a second: another silo compacts, or retention drops days.</summary>
        Busy,

        /// <summary>The day was dropped (retention) or compacted (another silo) since it was listed.</summary>
        Gone,
    }
}
