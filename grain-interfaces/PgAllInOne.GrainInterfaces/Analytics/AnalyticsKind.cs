namespace PgAllInOne.GrainInterfaces.Analytics;

/// <summary>The kinds of <see cref="AnalyticsQuery"/>.</summary>
public static class AnalyticsKind
{
    /// <summary>Event counts, grouped by type, day or user.</summary>
    public const string Events = "events";

    /// <summary>Metric aggregates in time buckets, per device or overall.</summary>
    public const string Metrics = "metrics";
}
