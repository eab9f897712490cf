namespace PgAllInOne.Api.Contracts.Backups;

/// <summary>
/// What the backup directory holds: base backups (oldest first), the restorable window, the named restore points, the
/// base backup being taken now (if any), and how far the WAL streaming is behind, in seconds.
/// </summary>
public sealed record BackupList(
    IReadOnlyList<BaseBackupView> Backups,
    RestoreWindowView Window,
    IReadOnlyList<RestorePointView> RestorePoints,
    string? Running,
    double WalLagSeconds);
