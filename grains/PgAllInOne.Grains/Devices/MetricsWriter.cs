using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.Grains.Partitions;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains.Devices;

/// <summary>Group commit for readings: batches of many devices go into one binary COPY and one commit.</summary>
/// <remarks>Before writing, the partitions of the batch's days are made sure of, when a <see cref="PartitionCatalog"/> is given.</remarks>
public sealed class MetricsWriter(CommitLog commitLog, PartitionCatalog? partitions = null)
    : PartitionedTableWriter<MetricsWriter.PendingReadings, int>("metrics", commitLog, MaxRowsPerCopy, static pending => pending.Readings.Count)
{
    private const int MaxRowsPerCopy = 50_000;

    /// <summary>Stores the readings; returns how many once they are durable.</summary>
    public Task<int> WriteAsync(string deviceId, IReadOnlyList<MetricReading> readings, DateTimeOffset now) =>
        EnqueueAsync(new PendingReadings(deviceId, readings, now));

    protected override async Task CommitRowsAsync(List<PendingReadings> batch, GroupCommit commit)
    {
        if (partitions is not null)
        {
            await partitions.EnsureAsync(PartitionScheme.Metrics, batch.SelectMany(p => p.Readings.Select(r => r.Time ?? p.Now)));
        }

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
        // Two round trips, like a COPY of its own: the BEGIN travels with the COPY (Npgsql prepends it), and the commit
        // log entry with the COMMIT, so that the rows and the entry commit together.
        await using var connection = await commit.ConnectAsync();
        await using var transaction = await connection.BeginTransactionAsync();
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

        await using (var entryAndCommit = new NpgsqlBatch(connection, transaction) { BatchCommands = { commit.LogEntry(), new NpgsqlBatchCommand("COMMIT") } })
        {
            await entryAndCommit.ExecuteNonQueryAsync();
        }

        GrainsTelemetry.Ingested("metrics", (long)rows);
    }

    public sealed record PendingReadings(string DeviceId, IReadOnlyList<MetricReading> Readings, DateTimeOffset Now) : PendingWrite<int>;
}
