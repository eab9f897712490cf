namespace PgAllInOne.Grains.Maintenance;

/// <summary>What one maintenance round did; <see cref="Skipped"/> when another silo held the maintenance lock.</summary>
public sealed record MaintenanceReport(bool Skipped, IReadOnlyList<string> Created, IReadOnlyList<string> Dropped, int ExpiredRecords, int PurgedCommits, int PurgedIdempotencyKeys = 0)
{
    public static MaintenanceReport SkippedRound { get; } = new(true, [], [], 0, 0);
}
