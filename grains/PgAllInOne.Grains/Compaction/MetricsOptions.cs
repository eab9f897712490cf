namespace PgAllInOne.Grains.Compaction;

/// <summary>How cold metric readings are kept (configuration section "Metrics").</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>
    /// A UTC day of readings that ended longer ago than this is rewritten compactly by the maintenance job (one row per
    /// device, metric and hour holding arrays of times, values and tags); reads see the same readings either way.
    /// </summary>
    public TimeSpan CompressAfter { get; set; } = TimeSpan.FromDays(7);
}
