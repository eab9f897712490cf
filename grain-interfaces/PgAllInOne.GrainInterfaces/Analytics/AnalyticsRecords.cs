using System.Collections.Immutable;

namespace PgAllInOne.GrainInterfaces.Analytics;

/// <summary>Events of one group: how many, the first and the last. Also the partial aggregate of one slice.</summary>
public sealed record EventGroupRow(string Key, long Count, DateTimeOffset FirstAt, DateTimeOffset LastAt);

/// <summary>One bucket of a metric series (per device when grouped by device, else <see cref="Device"/> is null).</summary>
public sealed record MetricSeriesRow(DateTimeOffset Bucket, string? Device, double Value, long Count);

/// <summary>A slice's partial aggregate of one bucket: count, sum, min and max merge exactly; avg is sum / count.</summary>
public sealed record MetricPartial(DateTimeOffset Bucket, string? Device, long Count, double Sum, double Min, double Max);

/// <summary>The result of an analytic query: the rows of its kind (the other list is empty) and when it was computed.</summary>
public sealed record AnalyticsResult(ImmutableArray<EventGroupRow> Events, ImmutableArray<MetricSeriesRow> Metrics, DateTimeOffset ComputedAt);

/// <summary>A result and whether it came from the cache.</summary>
public sealed record CachedAnalytics(AnalyticsResult Result, bool Hit);
