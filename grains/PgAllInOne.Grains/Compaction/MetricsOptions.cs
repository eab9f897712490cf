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

    /// <summary>
    /// Unset (the default): nothing is archived. Set: a UTC day of readings that ended longer ago than this is exported to a
    /// Parquet file in <see cref="ArchiveDirectory"/> and emptied from PostgreSQL (its rollups stay); an operator can attach
    /// it again (<c>POST /api/archive/{day}/attach</c>).
    /// </summary>
    public TimeSpan? ArchiveAfter { get; set; }

    /// <summary>The folder of the archived days' Parquet files: one folder shared by every silo of the cluster (the job runs on any one of them).</summary>
    public string? ArchiveDirectory { get; set; }
}
