using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Grains.Compaction;
using PgAllInOne.Grains.Maintenance;
using PgAllInOne.Grains.Partitions;

namespace PgAllInOne.Grains.Archive;

/// <summary>
/// The list of archived days, and an operator's attach: in ONE transaction holding the day's archive record, the file is
/// checked against the record (readings, SHA-256), its readings copied back into <c>metrics</c> (binary COPY through the
/// parent, so that the day's hours are queued for the rollup job) and the day marked attached. A missing file, a file
/// that changed, an unknown or already attached day, or a day past retention write nothing. Runs on the owner's connection.
/// </summary>
public sealed partial class ArchiveAttach(NpgsqlDataSource dataSource, IOptions<MetricsOptions> options, IOptions<MaintenanceOptions> maintenance, ILogger<ArchiveAttach>? log = null)
{
    private readonly ILogger logger = log ?? (ILogger)NullLogger.Instance;

    /// <summary>The archived days, oldest first.</summary>
    public async Task<IReadOnlyList<ArchivedDay>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(GrainsSql.Get("Archive/ListArchive.sql"), connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var days = new List<ArchivedDay>();
        while (await reader.ReadAsync(cancellationToken))
        {
            days.Add(ArchivedDay.Read(reader));
        }

        return days;
    }

    /// <summary>
    /// Copies the day's file back; <see cref="NotFoundException"/> (no such archived day), <see cref="ConflictException"/>
    /// (attached already, past retention, no archive folder here, the file missing) or <see cref="ArchiveFileException"/>
    /// (the file is unreadable or changed), each writing nothing.
    /// </summary>
    public async Task<ArchivedDay> AttachAsync(DateOnly day, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(options.Value.ArchiveDirectory))
        {
            throw new ConflictException("Metrics:ArchiveDirectory is not set on this silo, so the archive files cannot be read here: set it to the folder shared by the silos.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ArchiveSql.SetLockTimeoutAsync(connection, TimeSpan.FromSeconds(5), cancellationToken);
        var archived = await ArchiveSql.FindAsync(connection, day, forUpdate: true, cancellationToken)
            ?? throw new NotFoundException($"{day:yyyy-MM-dd} is not an archived day (GET /api/archive lists them).");
        if (archived.AttachedAt is { } attachedAt)
        {
            throw new ConflictException($"{day:yyyy-MM-dd} was attached at {attachedAt:O}; its readings are in PostgreSQL already.");
        }

        var retained = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-maintenance.Value.MetricRetentionDays);
        if (day < retained)
        {
            throw new ConflictException($"{day:yyyy-MM-dd} is past Maintenance:MetricRetentionDays ({maintenance.Value.MetricRetentionDays}): retention would drop it again. Read its file ({archived.File}) with any Parquet reader instead.");
        }

        // Read once: checked against the record's SHA-256, then decoded while it is copied (a day is a few MB in Parquet).
        var path = Path.Combine(options.Value.ArchiveDirectory, archived.File);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConflictException($"The archive file {archived.File} of {day:yyyy-MM-dd} is not in Metrics:ArchiveDirectory.");
        }

        if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) != archived.Sha256)
        {
            throw new ArchiveFileException($"The archive file {archived.File} of {day:yyyy-MM-dd} changed since it was archived: its SHA-256 is not the recorded {archived.Sha256}.");
        }

        // The day's raw partition (retention or an operator may have dropped it): created under the partition DDL lock.
        await PartitionCatalog.LockAsync(connection, PartitionScheme.Metrics, cancellationToken);
        if (!(await PartitionCatalog.ListAsync(connection, PartitionScheme.Metrics, cancellationToken)).Contains(PartitionScheme.Metrics.Name(day)))
        {
            await PartitionCatalog.CreateAsync(connection, PartitionScheme.Metrics, day, cancellationToken);
        }

        var copied = await CopyAsync(connection, new MemoryStream(bytes, writable: false), path, cancellationToken);
        if (copied != archived.Readings)
        {
            throw new ArchiveFileException($"The archive file {archived.File} holds {copied} readings, {archived.Readings} were archived.");
        }

        await using (var mark = new NpgsqlCommand(GrainsSql.Get("Archive/MarkAttached.sql"), connection))
        {
            mark.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = day });
            mark.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Attached(logger, day, copied, archived.File);
        return archived with { AttachedAt = now };
    }

    private static async Task<long> CopyAsync(NpgsqlConnection connection, Stream file, string path, CancellationToken cancellationToken)
    {
        long copied = 0;
        await using var import = await connection.BeginBinaryImportAsync(WithoutComments(GrainsSql.Get("Archive/CopyReadings.sql")), cancellationToken);
        try
        {
            await foreach (var batch in ArchiveFile.ReadAsync(file, path, cancellationToken))
            {
                for (var row = 0; row < batch.Count; row++)
                {
                    await import.StartRowAsync(cancellationToken);
                    await import.WriteAsync(batch.Times[row], NpgsqlDbType.TimestampTz, cancellationToken);
                    await import.WriteAsync(batch.Devices[row], NpgsqlDbType.Text, cancellationToken);
                    await import.WriteAsync(batch.Metrics[row], NpgsqlDbType.Text, cancellationToken);
                    await import.WriteAsync(batch.Values[row], NpgsqlDbType.Double, cancellationToken);
                    if (batch.Tags[row] is { } tags)
                    {
                        await import.WriteAsync(tags, NpgsqlDbType.Jsonb, cancellationToken);
                    }
                    else
                    {
                        await import.WriteNullAsync(cancellationToken);
                    }
                }

                copied += batch.Count;
            }
        }
        catch (InvalidDataException invalid)
        {
            throw new ArchiveFileException($"The archive file {Path.GetFileName(path)} is unreadable: {invalid.Message}.", invalid);
        }

        await import.CompleteAsync(cancellationToken);
        return copied;
    }

    // Npgsql takes a COPY statement only as the command's first word.
    private static string WithoutComments(string sql) =>
        string.Join('\n', sql.Split('\n').Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal)));

    [LoggerMessage(EventId = LogEvents.ArchiveAttached, Level = LogLevel.Information, Message = "Archive: metric day {Day} attached again ({Readings} readings copied back from {File})")]
    private static partial void Attached(ILogger logger, DateOnly day, long readings, string file);
}
