using System.Text.Json;

namespace PgAllInOne.GrainInterfaces.Devices;

[GenerateSerializer, Alias("pgaio.MetricReading")]
public sealed record MetricReading([property: Id(0)] string Metric, [property: Id(1)] double Value, [property: Id(2)] DateTimeOffset? Time = null, [property: Id(3)] JsonElement? Tags = null);

[GenerateSerializer, Alias("pgaio.LatestValue")]
public sealed record LatestValue([property: Id(0)] string Metric, [property: Id(1)] double Value, [property: Id(2)] DateTimeOffset Time);

[GenerateSerializer, Alias("pgaio.MetricBucket")]
public sealed record MetricBucket([property: Id(0)] DateTimeOffset Start, [property: Id(1)] double Value, [property: Id(2)] long Count);

/// <summary>Readings of one metric in [From, To), in buckets of <see cref="Bucket"/>, aggregated by avg, min, max, sum, count or last.</summary>
[GenerateSerializer, Alias("pgaio.MetricRangeQuery")]
public sealed record MetricRangeQuery([property: Id(0)] string Metric, [property: Id(1)] DateTimeOffset From, [property: Id(2)] DateTimeOffset To, [property: Id(3)] TimeSpan Bucket, [property: Id(4)] string Aggregate = MetricRules.DefaultAggregate);
