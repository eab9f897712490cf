namespace PgAllInOne.Grains.Maintenance;

/// <summary>What one maintenance round did; <see cref="Skipped"/> when another silo held the maintenance lock.</summary>
public sealed record MaintenanceReport(bool Skipped, IReadOnlyList<string> Created, IReadOnlyList<string> Dropped, int ExpiredRecords, int PurgedCommits)
{
    public static MaintenanceReport SkippedRound { get; } = new(true, [], [], 0, 0);

    /// <summary>Audit entries deleted past <c>Audit:RetentionDays</c>.</summary>
    public int ExpiredAuditEntries { get; init; }
}
