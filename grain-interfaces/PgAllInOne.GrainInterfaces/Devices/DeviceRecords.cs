using System.Text.Json;

namespace PgAllInOne.GrainInterfaces.Devices;

public sealed record MetricReading(string Metric, double Value, DateTimeOffset? Time = null, JsonElement? Tags = null);

public sealed record LatestValue(string Metric, double Value, DateTimeOffset Time);

public sealed record MetricBucket(DateTimeOffset Start, double Value, long Count);

/// <summary>Readings of one metric in [From, To), in buckets of <see cref="Bucket"/>, aggregated by avg, min, max, sum, count or last.</summary>
public sealed record MetricRangeQuery(string Metric, DateTimeOffset From, DateTimeOffset To, TimeSpan Bucket, string Aggregate = "avg");
