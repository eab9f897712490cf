using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains.Devices;

/// <summary>Group commit for readings: batches of many devices go into one binary COPY and one commit.</summary>
public sealed class MetricsWriter(CommitLog commitLog)
    : PartitionedTableWriter<MetricsWriter.PendingReadings, int>("metrics", commitLog, MaxRowsPerCopy, static pending => pending.Readings.Count)
{
    private const int MaxRowsPerCopy = 50_000;

    /// <summary>Stores the readings (with <paramref name="key"/>, the key too); returns how many once they are durable.</summary>
    public Task<int> WriteAsync(string deviceId, IReadOnlyList<MetricReading> readings, DateTimeOffset now, IdempotencyRow? key = null) =>
        EnqueueAsync(new PendingReadings(deviceId, readings, now) { Idempotency = key });

    protected override async Task CommitRowsAsync(List<PendingReadings> batch, GroupCommit commit)
    {
        await CopyAsync(batch, commit);
        Answer(batch);
    }

    // The batch committed: every reading of it is stored.
    protected override Task AnswerCommittedAsync(List<PendingReadings> batch, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        Answer(batch);
        return Task.CompletedTask;
    }

    private static void Answer(List<PendingReadings> batch) => batch.ForEach(p => p.Completion.TrySetResult(p.Readings.Count));

    private static async Task CopyAsync(List<PendingReadings> batch, GroupCommit commit)
    {
        ulong rows;
        // The COPY and the commit log entry commit together: the BEGIN travels with the entry, the COMMIT alone.
        await using var connection = await commit.ConnectAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var entry = new NpgsqlBatch(connection, transaction) { BatchCommands = { commit.LogEntry() } })
        {
            if (IdempotencyKeys.InsertOf(batch) is { } keys)
            {
                entry.BatchCommands.Add(keys); // before the COPY: a key taken already fails the batch before the rows are sent
            }

            await entry.ExecuteNonQueryAsync();
        }

        await using (var importer = await connection.BeginBinaryImportAsync(GrainsSql.Get("Devices/CopyMetrics.sql")))
        {
            foreach (var pending in batch)
            {
                foreach (var reading in pending.Readings)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync((reading.Time ?? pending.Now).ToUniversalTime(), NpgsqlDbType.TimestampTz); // the instant, in UTC
                    await importer.WriteAsync(pending.DeviceId, NpgsqlDbType.Text);
                    await importer.WriteAsync(reading.Metric, NpgsqlDbType.Text);
                    await importer.WriteAsync(reading.Value, NpgsqlDbType.Double);
                    if (reading.Tags is { } tags)
                    {
                        await importer.WriteAsync(tags.GetRawText(), NpgsqlDbType.Jsonb);
                    }
                    else
                    {
                        await importer.WriteNullAsync();
                    }
                }
            }

            rows = await importer.CompleteAsync();
        }

        await transaction.CommitAsync();

        GrainsTelemetry.Ingested("metrics", (long)rows);
    }

    public sealed record PendingReadings(string DeviceId, IReadOnlyList<MetricReading> Readings, DateTimeOffset Now) : PendingWrite<int>;
}
