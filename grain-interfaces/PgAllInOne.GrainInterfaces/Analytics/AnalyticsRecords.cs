using System.Collections.Immutable;

namespace PgAllInOne.GrainInterfaces.Analytics;

// Every record here is immutable (init-only values, immutable arrays): [Immutable] lets a call inside a silo pass them
// on instead of copying them (a month of 10 devices by the hour is 7,200 rows, copied twice per answer otherwise).

/// <summary>Events of one group: how many, the first and the last. Also the partial aggregate of one slice.</summary>
[GenerateSerializer, Immutable, Alias("pgaio.EventGroupRow")]
public sealed record EventGroupRow([property: Id(0)] string Key, [property: Id(1)] long Count, [property: Id(2)] DateTimeOffset FirstAt, [property: Id(3)] DateTimeOffset LastAt);

/// <summary>One bucket of a metric series (per device when grouped by device, else <see cref="Device"/> is null).</summary>
[GenerateSerializer, Immutable, Alias("pgaio.MetricSeriesRow")]
public sealed record MetricSeriesRow([property: Id(0)] DateTimeOffset Bucket, [property: Id(1)] string? Device, [property: Id(2)] double Value, [property: Id(3)] long Count);

/// <summary>
/// A slice's partial aggregate of one bucket: count, sum, min and max merge exactly; avg is sum / count; the newest
/// reading (<see cref="Last"/> at <see cref="LastAt"/>, of equal times the largest) merges by time, then value.
/// </summary>
[GenerateSerializer, Immutable, Alias("pgaio.MetricPartial")]
public sealed record MetricPartial(
    [property: Id(0)] DateTimeOffset Bucket,
    [property: Id(1)] string? Device,
    [property: Id(2)] long Count,
    [property: Id(3)] double Sum,
    [property: Id(4)] double Min,
    [property: Id(5)] double Max,
    [property: Id(6)] double Last = 0,
    [property: Id(7)] DateTimeOffset LastAt = default);

/// <summary>The result of an analytic query: the rows of its kind (the other list is empty) and when it was computed.</summary>
[GenerateSerializer, Immutable, Alias("pgaio.AnalyticsResult")]
public sealed record AnalyticsResult([property: Id(0)] ImmutableArray<EventGroupRow> Events, [property: Id(1)] ImmutableArray<MetricSeriesRow> Metrics, [property: Id(2)] DateTimeOffset ComputedAt);

/// <summary>A result and whether it came from the cache.</summary>
[GenerateSerializer, Immutable, Alias("pgaio.CachedAnalytics")]
public sealed record CachedAnalytics([property: Id(0)] AnalyticsResult Result, [property: Id(1)] bool Hit);
