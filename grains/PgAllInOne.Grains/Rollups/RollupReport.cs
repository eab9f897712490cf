namespace PgAllInOne.Grains.Rollups;

/// <summary>What one rollup run did: the hours folded in per source; <see cref="Skipped"/> when another silo ran it.</summary>
public sealed record RollupReport(bool Skipped, int MetricHours, int EventHours, DateTimeOffset Watermark);
