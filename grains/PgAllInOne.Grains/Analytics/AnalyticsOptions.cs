namespace PgAllInOne.Grains.Analytics;

/// <summary>OLAP fan-out and the query-result cache (configuration section "Analytics").</summary>
public sealed class AnalyticsOptions
{
    public const string SectionName = "Analytics";

    /// <summary>How long a computed result is served from the cache.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// At most this many slices (runs of whole partitions) per query, each aggregated by a worker in parallel. One by
    /// default: measured on 2 cores (benchmarks/, analytics-scale), one statement with PostgreSQL's own parallel plan was
    /// never slower than the fan-out; more pays only with cores to spare beyond PostgreSQL's parallel workers.
    /// </summary>
    public int MaxSlices { get; set; } = 1;

    /// <summary>How long a Redis operation may take before the cache carries on without it.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(500);
}
