namespace PgAllInOne.Postgres;

/// <summary>
/// The event ids of this assembly's log messages, all in one place so that none is used twice. This assembly logs
/// with ids below 1000; the grains use 1000–1999 and the silo executable 2000–2999.
/// </summary>
internal static class LogEvents
{
    public const int NotificationListenerLost = 40;
    public const int NotificationListenerSilent = 41;
    public const int PostgresUnreachable = 45;
    public const int PostgresReachableAgain = 46;
    public const int PostgresHostRoleChanged = 47;
    public const int CommitStillInDoubt = 50;
    public const int LostCommitResolved = 51;
    public const int MigrationApplied = 200;
    public const int MigrationsUpToDate = 201;
    public const int EmbeddedPostgresStarted = 300;
    public const int EmbeddedPostgresStopped = 301;
    public const int EmbeddedPostgresRelocated = 302;
    public const int ServingRoleGranted = 310;
    public const int ServingLoginIsSuperuser = 311;
    public const int BackupsStarted = 460;
    public const int WalReceiverStopped = 461;
    public const int BaseBackupTaken = 462;
    public const int BaseBackupFailed = 463;
    public const int BaseBackupsPruned = 464;
    public const int BackupBehind = 465;
    public const int BackupCaughtUp = 466;
    public const int BackupStatusFailed = 467;
    public const int RestorePointSet = 468;
    public const int WalReceiverStalled = 469;
    public const int SynchronousNamesRestored = 470;
}
