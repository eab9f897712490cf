using System.Text.Json;

namespace PgAllInOne.GrainInterfaces.Devices;

/// <summary>One reading of a device.</summary>
/// <param name="Metric">The metric's name (1–100 characters).</param>
/// <param name="Value">A finite number.</param>
/// <param name="Time">When it was read; absent: when it is stored.</param>
/// <param name="Tags">A JSON object, kept with the reading.</param>
[GenerateSerializer, Alias("pgaio.MetricReading")]
public sealed record MetricReading([property: Id(0)] string Metric, [property: Id(1)] double Value, [property: Id(2)] DateTimeOffset? Time = null, [property: Id(3)] JsonElement? Tags = null);

/// <summary>The newest reading of one metric of a device.</summary>
/// <param name="Metric">The metric's name.</param>
/// <param name="Value">Its newest value.</param>
/// <param name="Time">When that value was read.</param>
[GenerateSerializer, Alias("pgaio.LatestValue")]
public sealed record LatestValue([property: Id(0)] string Metric, [property: Id(1)] double Value, [property: Id(2)] DateTimeOffset Time);

/// <summary>One bucket of a device's range.</summary>
/// <param name="Start">Where the bucket begins.</param>
/// <param name="Value">The bucket's aggregate.</param>
/// <param name="Count">How many readings it holds.</param>
[GenerateSerializer, Immutable, Alias("pgaio.MetricBucket")] // immutable: passed on, not copied, inside a silo (a year by the hour is 8,760 buckets)
public sealed record MetricBucket([property: Id(0)] DateTimeOffset Start, [property: Id(1)] double Value, [property: Id(2)] long Count);

/// <summary>Readings of one metric in [From, To), in buckets of <see cref="Bucket"/>, aggregated by avg, min, max, sum, count or last.</summary>
[GenerateSerializer, Alias("pgaio.MetricRangeQuery")]
public sealed record MetricRangeQuery([property: Id(0)] string Metric, [property: Id(1)] DateTimeOffset From, [property: Id(2)] DateTimeOffset To, [property: Id(3)] TimeSpan Bucket, [property: Id(4)] string Aggregate = MetricRules.DefaultAggregate);
