using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains.Devices;

/// <summary>Group commit for readings: batches of many devices go into one binary COPY and one commit.</summary>
public sealed class MetricsWriter(NpgsqlDataSource dataSource)
    : PartitionedTableWriter<MetricsWriter.PendingReadings, int>("metrics", MaxRowsPerCopy, static pending => pending.Readings.Count)
{
    private const int MaxRowsPerCopy = 50_000;

    /// <summary>Stores the readings; returns how many once they are durable.</summary>
    public Task<int> WriteAsync(string deviceId, IReadOnlyList<MetricReading> readings, DateTimeOffset now) =>
        EnqueueAsync(new PendingReadings(deviceId, readings, now));

    protected override async Task CommitRowsAsync(List<PendingReadings> batch)
    {
        await CopyAsync(batch);
        batch.ForEach(p => p.Completion.TrySetResult(p.Readings.Count));
    }

    private async Task CopyAsync(List<PendingReadings> batch)
    {
        ulong rows;
        // A COPY is a statement of its own: all its rows commit as it ends, or none do.
        await using var connection = await dataSource.OpenConnectionAsync();
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

        GrainsTelemetry.Ingested("metrics", (long)rows);
    }

    public sealed record PendingReadings(string DeviceId, IReadOnlyList<MetricReading> Readings, DateTimeOffset Now) : PendingWrite<int>;
}
