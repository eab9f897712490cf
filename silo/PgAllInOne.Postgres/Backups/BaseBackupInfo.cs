namespace PgAllInOne.Postgres.Backups;

/// <summary>One base backup as its <c>backup.json</c> describes it.</summary>
/// <param name="Id">The folder name under base/: its start time, sortable (yyyyMMddTHHmmssfffZ).</param>
/// <param name="Started">When pg_basebackup was started.</param>
/// <param name="Finished">When it had written everything (null while it runs).</param>
/// <param name="SizeBytes">The files of the backup.</param>
/// <param name="Verified">pg_verifybackup found every file and the WAL it needs intact.</param>
/// <param name="StartLsn">The WAL position it starts from (its checkpoint).</param>
/// <param name="EndLsn">The WAL position from which a restore of it is consistent.</param>
/// <param name="Timeline">The timeline it was taken on.</param>
/// <param name="StartWalFile">The first WAL segment a restore of it needs.</param>
public sealed record BaseBackupInfo(
    string Id,
    DateTimeOffset Started,
    DateTimeOffset? Finished,
    long SizeBytes,
    bool Verified,
    string? StartLsn,
    string? EndLsn,
    int Timeline,
    string? StartWalFile);
