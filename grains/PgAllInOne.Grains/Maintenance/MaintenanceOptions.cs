namespace PgAllInOne.Grains.Maintenance;

/// <summary>Partition upkeep, retention and TTL cleanup (configuration section "Maintenance").</summary>
public sealed class MaintenanceOptions
{
    public const string SectionName = "Maintenance";

    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Monthly event partitions kept ready beyond the current month.</summary>
    public int EventMonthsAhead { get; set; } = 3;

    /// <summary>Daily metric partitions kept ready beyond today.</summary>
    public int MetricDaysAhead { get; set; } = 7;

    /// <summary>Metric partitions whose day ended longer ago than this are dropped whole.</summary>
    public int MetricRetentionDays { get; set; } = 30;

    /// <summary>
    /// Group commit log entries older than this are purged. An entry is read only while a writer resolves a lost commit
    /// answer, within half a request's timeout; the window only has to outlast that.
    /// </summary>
    public TimeSpan CommitLogRetention { get; set; } = TimeSpan.FromHours(1);
}
