using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Grains.Compaction;
using PgAllInOne.Grains.Partitions;

namespace PgAllInOne.Grains.Archive;

/// <summary>
/// Exports the metric days older than <see cref="MetricsOptions.ArchiveAfter"/> to Parquet files in
/// <see cref="MetricsOptions.ArchiveDirectory"/> and empties them from PostgreSQL, one day at a time: the day's readings
/// (raw and compacted, through <c>metric_readings</c>) are read in one snapshot and written to a file that is flushed to
/// disk and read back whole; only then, in ONE transaction holding the day's partitions, are they counted and
/// fingerprinted again — equal to what the file took, or the day is left for a later round — the file recorded in
/// <c>metric_archive</c> and the partitions truncated. A silo that dies before that commit leaves every reading in
/// PostgreSQL (the file without a record is written again by the next round); after it, every reading is in the file only.
/// A day written to after it was archived is archived again as the file's next generation (the earlier file's readings
/// and the new ones); an attached day (<see cref="ArchiveAttach"/>) is left alone for ArchiveAfter from its attach. The
/// day's rollups stay and answer for it while it is archived: a day with hours in the rollup queue (written since the
/// rollup job last folded them) waits until they are folded. One silo at a time (a session advisory lock held for the round); runs on the owner's connection.
/// </summary>
public sealed partial class MetricArchive(NpgsqlDataSource dataSource, IOptions<MetricsOptions> options, ILogger<MetricArchive>? log = null)
{
    private readonly ILogger logger = log ?? (ILogger)NullLogger.Instance;

    /// <summary>The longest wait for the day's partitions (writers into the day queue behind a waiting lock).</summary>
    internal TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Called once a day's file is durable and verified, before the day's transaction (tests: a death there).</summary>
    internal Func<DateOnly, Task>? BeforeEmptying { get; init; }

    private const string QueuedReason = "hours of it wait in the rollup queue; it is archived once the rollup job has folded them (the rollups answer for an archived day)";

    /// <summary>The file name of a day's generation: <c>metrics_2026_11_01.parquet</c>, then <c>metrics_2026_11_01.g2.parquet</c>, …</summary>
    public static string FileName(DateOnly day, int generation) =>
        "metrics_" + day.ToString("yyyy_MM_dd", CultureInfo.InvariantCulture) + (generation == 1 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $".g{generation}")) + ".parquet";

    public async Task<ArchiveReport> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (options.Value.ArchiveAfter is not { } archiveAfter || string.IsNullOrWhiteSpace(options.Value.ArchiveDirectory))
        {
            return new ArchiveReport(false, [], 0, []);
        }

        var directory = options.Value.ArchiveDirectory;
        var before = DateOnly.FromDateTime((now - archiveAfter).UtcDateTime);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await ScalarAsync<bool>(connection, "Archive/TryArchiveLock.sql", cancellationToken))
        {
            return new ArchiveReport(true, [], 0, []);
        }

        var archived = new List<DateOnly>();
        var left = new List<DateOnly>();
        long readings = 0;
        try
        {
            Directory.CreateDirectory(directory);
            foreach (var day in await DaysWithReadingsAsync(connection, before, cancellationToken))
            {
                var earlier = await ArchiveSql.FindAsync(connection, day, forUpdate: false, cancellationToken);
                if (earlier?.AttachedAt is { } attachedAt && attachedAt > now - archiveAfter)
                {
                    continue; // attached by an operator: left in PostgreSQL for ArchiveAfter from then
                }

                var moved = await ArchiveDayAsync(connection, directory, day, earlier, now, cancellationToken);
                if (moved is { } count)
                {
                    archived.Add(day);
                    readings += count;
                }
                else
                {
                    left.Add(day);
                }
            }
        }
        finally
        {
            // A connection that broke mid-round has released the session lock with it.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await ScalarAsync<bool>(connection, "Archive/ArchiveUnlock.sql", CancellationToken.None);
            }
        }

        return new ArchiveReport(false, archived, readings, left);
    }

    /// <summary>The readings the day's transaction emptied from PostgreSQL, or null when the day was left as it was.</summary>
    private async Task<long?> ArchiveDayAsync(NpgsqlConnection connection, string directory, DateOnly day, ArchivedDay? earlier, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var generation = (earlier?.Generation ?? 0) + 1;
        var file = FileName(day, generation);
        var path = Path.Combine(directory, file);
        // Readings only in the earlier file (not attached): the new generation holds them too.
        var carried = earlier is { AttachedAt: null } ? earlier : null;
        long inDatabase;
        string fingerprint;
        ArchiveFileFacts facts;
        try
        {
            await using (var snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken))
            {
                if (await ArchiveSql.HoursQueuedAsync(connection, day, cancellationToken))
                {
                    DayLeft(logger, day, QueuedReason);
                    return null;
                }

                (inDatabase, fingerprint) = await ArchiveSql.FingerprintAsync(connection, day, cancellationToken);
                if (inDatabase == 0)
                {
                    return null; // only dead pages (a compaction's truncation deferred): nothing to archive
                }

                if (carried is not null)
                {
                    await CheckAsync(Path.Combine(directory, carried.File), carried, cancellationToken);
                }

                facts = await ArchiveFile.WriteAsync(path, BatchesAsync(connection, day, carried is null ? null : Path.Combine(directory, carried.File), cancellationToken), cancellationToken);
                await snapshot.CommitAsync(cancellationToken);
            }

            if (facts.Readings != inDatabase + (carried?.Readings ?? 0))
            {
                throw new ArchiveFileException($"{file} holds {facts.Readings} readings, {inDatabase + (carried?.Readings ?? 0)} were exported.");
            }
        }
        catch (Exception exception) when (exception is ArchiveFileException or IOException or UnauthorizedAccessException)
        {
            DayLeft(logger, day, exception.Message);
            Delete(path, unless: earlier?.File);
            return null;
        }

        if (BeforeEmptying is { } hook)
        {
            await hook(day);
        }

        var outcome = await EmptyDayAsync(connection, day, earlier, inDatabase, fingerprint, new ArchivedDay(day, file, generation, facts.Readings, facts.Bytes, facts.Sha256, now, null), cancellationToken);
        if (outcome is not null)
        {
            DayLeft(logger, day, outcome);
            Delete(path, unless: earlier?.File);
            return null;
        }

        if (earlier is not null && earlier.File != file)
        {
            Delete(Path.Combine(directory, earlier.File), unless: null); // superseded: the new generation holds its readings
        }

        return inDatabase;
    }

    /// <summary>The day's transaction; null when it committed, else why the day was left as it was.</summary>
    private async Task<string?> EmptyDayAsync(NpgsqlConnection connection, DateOnly day, ArchivedDay? earlier, long readings, string fingerprint, ArchivedDay archived, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await ArchiveSql.SetLockTimeoutAsync(connection, LockTimeout, cancellationToken);
            // Compaction and retention of metric days take this lock too: neither moves nor drops the day meanwhile.
            await PartitionCatalog.LockAsync(connection, PartitionScheme.MetricsCompact, cancellationToken);
            if (await ArchiveSql.FindAsync(connection, day, forUpdate: true, cancellationToken) != earlier)
            {
                return "it was attached or archived by another silo meanwhile";
            }

            var partitions = string.Join(", ", await ArchiveSql.PartitionsAsync(connection, day, cancellationToken));
            await ExecuteAsync(connection, GrainsSql.Get("Archive/LockDay.sql").Replace("{partitions}", partitions, StringComparison.Ordinal), cancellationToken);
            if (await ArchiveSql.FingerprintAsync(connection, day, cancellationToken) != (readings, fingerprint))
            {
                return "readings were written into it while its file was written";
            }

            if (await ArchiveSql.HoursQueuedAsync(connection, day, cancellationToken))
            {
                return QueuedReason;
            }

            await using (var save = new NpgsqlCommand(GrainsSql.Get("Archive/SaveArchivedDay.sql"), connection))
            {
                save.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = day });
                save.Parameters.Add(new NpgsqlParameter<string> { TypedValue = archived.File });
                save.Parameters.Add(new NpgsqlParameter<int> { TypedValue = archived.Generation });
                save.Parameters.Add(new NpgsqlParameter<long> { TypedValue = archived.Readings });
                save.Parameters.Add(new NpgsqlParameter<long> { TypedValue = archived.Bytes });
                save.Parameters.Add(new NpgsqlParameter<string> { TypedValue = archived.Sha256 });
                save.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = archived.ArchivedAt });
                await save.ExecuteNonQueryAsync(cancellationToken);
            }

            await ExecuteAsync(connection, GrainsSql.Get("Archive/EmptyDay.sql").Replace("{partitions}", partitions, StringComparison.Ordinal), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return null;
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.LockNotAvailable)
        {
            return "its partitions were busy for longer than the lock timeout";
        }
    }

    private static async IAsyncEnumerable<ReadingColumns> BatchesAsync(NpgsqlConnection connection, DateOnly day, string? carriedFile, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (carriedFile is not null)
        {
            await foreach (var batch in ArchiveFile.ReadAsync(carriedFile, cancellationToken))
            {
                yield return batch;
            }
        }

        // A day of readings in one statement: no client-side timeout (a dense day takes longer than the default 30 s).
        await using var command = new NpgsqlCommand(GrainsSql.Get("Archive/ReadDay.sql"), connection) { CommandTimeout = 0 };
        ArchiveSql.AddDay(command, day);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = new ReadingColumns(ArchiveFile.RowGroupSize);
        while (await reader.ReadAsync(cancellationToken))
        {
            columns.Add(reader.GetFieldValue<DateTime>(0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3), reader.IsDBNull(4) ? null : reader.GetString(4));
            if (columns.Count == ArchiveFile.RowGroupSize)
            {
                yield return columns;
                columns = new ReadingColumns(ArchiveFile.RowGroupSize);
            }
        }

        yield return columns;
    }

    /// <summary>The file is the one recorded (readings and SHA-256), or <see cref="ArchiveFileException"/>.</summary>
    internal static async Task CheckAsync(string path, ArchivedDay archived, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The archive file {archived.File} of {archived.Day:yyyy-MM-dd} is not in Metrics:ArchiveDirectory.", path);
        }

        ArchiveFileFacts facts;
        try
        {
            facts = await ArchiveFile.VerifyAsync(path, cancellationToken);
        }
        catch (InvalidDataException invalid)
        {
            throw new ArchiveFileException($"The archive file {archived.File} of {archived.Day:yyyy-MM-dd} is unreadable: {invalid.Message}", invalid);
        }

        if (facts.Sha256 != archived.Sha256 || facts.Readings != archived.Readings)
        {
            throw new ArchiveFileException($"The archive file {archived.File} of {archived.Day:yyyy-MM-dd} changed since it was archived ({facts.Readings} readings, SHA-256 {facts.Sha256}; archived: {archived.Readings} readings, SHA-256 {archived.Sha256}).");
        }
    }

    private static async Task<List<DateOnly>> DaysWithReadingsAsync(NpgsqlConnection connection, DateOnly before, CancellationToken cancellationToken)
    {
        var days = new SortedSet<DateOnly>();
        await using var command = new NpgsqlCommand(GrainsSql.Get("Archive/DaysWithPages.sql"), connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            if ((PartitionScheme.MetricsCompact.TryParse(name, out var day) || PartitionScheme.Metrics.TryParse(name, out day)) && day < before)
            {
                days.Add(day);
            }
        }

        return [.. days];
    }

    private static void Delete(string path, string? unless)
    {
        if (unless is null || Path.GetFileName(path) != unless)
        {
            File.Delete(path);
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string file, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get(file), connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = LogEvents.ArchiveDayLeft, Level = LogLevel.Warning, Message = "Archive: metric day {Day} left in PostgreSQL for a later round: {Reason}")]
    private static partial void DayLeft(ILogger logger, DateOnly day, string reason);
}
