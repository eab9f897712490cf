namespace PgAllInOne.GrainInterfaces.Devices;

/// <summary>One device (key: the device id) and its time series.</summary>
[Alias("pgaio.IDeviceGrain")]
public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>Stores 1–10,000 readings, all or none; returns once they are durable.</summary>
    Task<int> Ingest(IReadOnlyList<MetricReading> readings);

    /// <summary>The newest value of each metric.</summary>
    [ReadOnly]
    Task<IReadOnlyList<LatestValue>> Latest();

    /// <summary>One metric's readings in the query's range, aggregated per bucket, oldest first; buckets without readings are left out.</summary>
    [ReadOnly]
    Task<IReadOnlyList<MetricBucket>> Range(MetricRangeQuery query);
}
