namespace PgAllInOne.Grains.Analytics;

/// <summary>OLAP fan-out and the query-result cache (configuration section "Analytics").</summary>
public sealed class AnalyticsOptions
{
    public const string SectionName = "Analytics";

    /// <summary>How long a computed result is served from the cache.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>At most this many slices (runs of whole partitions) per query, each aggregated by a worker.</summary>
    public int MaxSlices { get; set; } = 16;

    /// <summary>How long a Redis operation may take before the cache carries on without it.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(500);
}
