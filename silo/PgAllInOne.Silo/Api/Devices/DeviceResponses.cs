using PgAllInOne.Api.Contracts.Devices;
using Grain = PgAllInOne.GrainInterfaces.Devices;

namespace PgAllInOne.Silo.Api.Devices;

/// <summary>The HTTP contract's latest values and buckets, written from the grains' records.</summary>
internal static class DeviceResponses
{
    public static LatestValue ToResponse(this Grain.LatestValue latest) => new(latest.Metric, latest.Value, latest.Time);

    public static MetricBucket ToResponse(this Grain.MetricBucket bucket) => new(bucket.Start, bucket.Value, bucket.Count);
}
