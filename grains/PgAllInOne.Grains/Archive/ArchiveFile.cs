using System.Security.Cryptography;
using Parquet;
using Parquet.Schema;

namespace PgAllInOne.Grains.Archive;

/// <summary>
/// An archived day's readings as a Parquet file: columns <c>time</c> (timestamp, microseconds, UTC — PostgreSQL's
/// precision), <c>device_id</c>, <c>metric</c>, <c>value</c> (double) and <c>tags</c> (the jsonb value's text, or null),
/// zstd-compressed, one row group per <see cref="RowGroupSize"/> readings.
/// </summary>
internal static class ArchiveFile
{
    public const int RowGroupSize = 1 << 17;

    private static readonly DateTimeDataField Time = new("time", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: false);
    private static readonly DataField<string> Device = new("device_id", nullable: false);
    private static readonly DataField<string> Metric = new("metric", nullable: false);
    private static readonly DataField<double> Value = new("value", nullable: false);
    private static readonly DataField<string> Tags = new("tags", nullable: true);
    private static readonly ParquetSchema Schema = new(Time, Device, Metric, Value, Tags);
    private static readonly string[] Columns = ["time", "device_id", "metric", "value", "tags"];

    /// <summary>
    /// Writes the readings to <paramref name="path"/> through a temporary file in the same folder: written, flushed to disk,
    /// read back whole (its readings counted), then renamed over <paramref name="path"/> and the folder flushed, so that the
    /// name only ever holds a complete, durable file. Answers what the file holds.
    /// </summary>
    public static async Task<ArchiveFileFacts> WriteAsync(string path, IAsyncEnumerable<ReadingColumns> batches, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        long written = 0;
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            await using (var writer = await ParquetWriter.CreateAsync(Schema, stream, new ParquetOptions { CompressionMethod = CompressionMethod.Zstd }, cancellationToken: cancellationToken))
            {
                await foreach (var batch in batches.WithCancellation(cancellationToken))
                {
                    if (batch.Count == 0)
                    {
                        continue;
                    }

                    using var group = writer.CreateRowGroup();
                    await group.WriteAsync<DateTime>(Time, batch.Times.ToArray(), cancellationToken: cancellationToken);
                    await group.WriteAsync(Device, batch.Devices);
                    await group.WriteAsync(Metric, batch.Metrics);
                    await group.WriteAsync<double>(Value, batch.Values.ToArray(), cancellationToken: cancellationToken);
                    await group.WriteAsync(Tags, batch.Tags!);
                    written += batch.Count;
                }
            }

            stream.Flush(flushToDisk: true);
        }

        var facts = await VerifyAsync(temporary, cancellationToken);
        if (facts.Readings != written)
        {
            throw new InvalidDataException($"The archive file {temporary} reads back {facts.Readings} readings, {written} were written.");
        }

        File.Move(temporary, path, overwrite: true);
        FolderFlush.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return facts;
    }

    /// <summary>Reads the whole file (every column of every row group) and answers its readings, size and SHA-256; <see cref="InvalidDataException"/> when it is not an archive file.</summary>
    public static async Task<ArchiveFileFacts> VerifyAsync(string path, CancellationToken cancellationToken)
    {
        long readings = 0;
        await foreach (var batch in ReadAsync(path, cancellationToken))
        {
            readings += batch.Count;
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        return new ArchiveFileFacts(readings, stream.Length, sha256);
    }

    /// <summary>The file's readings, a row group at a time; <see cref="InvalidDataException"/> when it is not an archive file.</summary>
    public static IAsyncEnumerable<ReadingColumns> ReadAsync(string path, CancellationToken cancellationToken) =>
        ReadAsync(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous), path, cancellationToken);

    /// <summary>The readings of a file's bytes (<paramref name="stream"/>, disposed at the end), a row group at a time.</summary>
    public static async IAsyncEnumerable<ReadingColumns> ReadAsync(Stream stream, string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: false, cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or ArgumentException or NotSupportedException && exception is not FileNotFoundException)
        {
            await stream.DisposeAsync();
            throw new InvalidDataException($"{Path.GetFileName(path)} is not a readable Parquet file: {exception.Message}", exception);
        }

        await using (reader)
        {
            var fields = reader.Schema.DataFields;
            if (!fields.Select(f => f.Name).SequenceEqual(Columns, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"{Path.GetFileName(path)} does not hold the columns of an archived day ({string.Join(", ", Columns)}).");
            }

            for (var index = 0; index < reader.RowGroupCount; index++)
            {
                yield return await ReadGroupAsync(reader, fields, index, path, cancellationToken);
            }
        }
    }

    private static async Task<ReadingColumns> ReadGroupAsync(ParquetReader reader, DataField[] fields, int index, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var group = reader.OpenRowGroupReader(index);
            var count = checked((int)group.RowCount);
            var times = new DateTime[count];
            var devices = new string[count];
            var metrics = new string[count];
            var values = new double[count];
            var tags = new string[count];
            await group.ReadAsync<DateTime>(fields[0], times, cancellationToken: cancellationToken);
            await group.ReadAsync(fields[1], devices, cancellationToken: cancellationToken);
            await group.ReadAsync(fields[2], metrics, cancellationToken: cancellationToken);
            await group.ReadAsync<double>(fields[3], values, cancellationToken: cancellationToken);
            await group.ReadAsync(fields[4], tags, cancellationToken: cancellationToken);
            var columns = new ReadingColumns(count);
            for (var row = 0; row < count; row++)
            {
                columns.Add(DateTime.SpecifyKind(times[row], DateTimeKind.Utc), devices[row] ?? throw Missing(path, "device_id"), metrics[row] ?? throw Missing(path, "metric"), values[row], tags[row]);
            }

            return columns;
        }
        catch (Exception exception) when (exception is not (InvalidDataException or OperationCanceledException))
        {
            throw new InvalidDataException($"{Path.GetFileName(path)} could not be read (row group {index}): {exception.Message}", exception);
        }
    }

    private static InvalidDataException Missing(string path, string column) => new($"{Path.GetFileName(path)} has a reading without {column}.");
}

/// <summary>What an archive file holds: its readings, its size in bytes and the SHA-256 of its bytes (hex).</summary>
internal sealed record ArchiveFileFacts(long Readings, long Bytes, string Sha256);
