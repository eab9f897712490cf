using PgAllInOne.Grains.Maintenance;
using PgAllInOne.Runtime.Database;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Devices;

namespace PgAllInOne.Grains.Devices;

/// <summary>
/// Group commit for readings: batches of many devices go into one binary COPY and one commit, and each device grain
/// is answered only after that commit. A batch is validated before it gets here, so a COPY fails only as a whole.
/// </summary>
public sealed class MetricsWriter : IAsyncDisposable
{
    private const int MaxRowsPerCopy = 50_000;

    private readonly GroupCommitQueue<PendingReadings> queue;
    private readonly NpgsqlDataSource dataSource;

    public MetricsWriter(NpgsqlDataSource dataSource)
    {
        this.dataSource = dataSource;
        queue = new GroupCommitQueue<PendingReadings>("metrics", concurrency: 2, MaxRowsPerCopy, static pending => pending.Readings.Count, FlushAsync);
    }

    public Task WriteAsync(string deviceId, IReadOnlyList<MetricReading> readings, DateTimeOffset now)
    {
        var pending = new PendingReadings(deviceId, readings, now);
        if (!queue.TryEnqueue(pending))
        {
            pending.Completion.TrySetException(new ObjectDisposedException(nameof(MetricsWriter), "The silo is shutting down; readings can no longer be stored."));
        }

        return pending.Completion.Task;
    }

    public ValueTask DisposeAsync() => queue.DisposeAsync();

    private async Task FlushAsync(List<PendingReadings> batch)
    {
        try
        {
            await PartitionRace.RetryAsync(async () => { await CopyAsync(batch); return true; });
            batch.ForEach(p => p.Completion.TrySetResult());
        }
        catch (Exception exception)
        {
            batch.ForEach(p => p.Completion.TrySetException(exception));
        }
    }

    private async Task CopyAsync(List<PendingReadings> batch)
    {
        ulong rows;
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var importer = await connection.BeginBinaryImportAsync(GrainsSql.Get("CopyMetrics.sql")))
        {
            foreach (var pending in batch)
            {
                foreach (var reading in pending.Readings)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync(reading.Time ?? pending.Now, NpgsqlDbType.TimestampTz);
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

    private sealed record PendingReadings(string DeviceId, IReadOnlyList<MetricReading> Readings, DateTimeOffset Now)
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
