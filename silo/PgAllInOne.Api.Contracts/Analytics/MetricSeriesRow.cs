namespace PgAllInOne.Api.Contracts.Analytics;

/// <summary>One bucket of a metric series (per device when grouped by device, else <see cref="Device"/> is null).</summary>
public sealed record MetricSeriesRow(DateTimeOffset Bucket, string? Device, double Value, long Count);
