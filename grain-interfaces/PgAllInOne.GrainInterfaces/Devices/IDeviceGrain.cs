using PgAllInOne.GrainInterfaces.Idempotency;

namespace PgAllInOne.GrainInterfaces.Devices;

/// <summary>One device (key: the device id) and its time series.</summary>
[Alias("pgaio.IDeviceGrain")]
public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores 1–10,000 readings, all or none; returns once they are durable. With an idempotency key, a repeat of the key
    /// is answered as the first call was and stores nothing more; the key used for other readings throws
    /// IdempotencyKeyReusedException.
    /// </summary>
    Task<int> Ingest(IReadOnlyList<MetricReading> readings, IdempotencyKey? idempotencyKey = null);

    /// <summary>The newest value of each metric.</summary>
    [ReadOnly]
    Task<IReadOnlyList<LatestValue>> Latest();

    /// <summary>One metric's readings in the query's range, aggregated per bucket, oldest first; buckets without readings are left out.</summary>
    [ReadOnly]
    Task<IReadOnlyList<MetricBucket>> Range(MetricRangeQuery query);
}
