namespace PgAllInOne.Grains;

/// <summary>
/// The event ids of this assembly's log messages, all in one place so that none is used twice. The grains log with
/// ids 1000–1999; PgAllInOne.Postgres uses those below 1000 and the silo executable 2000–2999.
/// </summary>
internal static class LogEvents
{
    public const int MaintenanceRound = 1000;
    public const int MaintenanceRoundFailed = 1001;
    public const int CompactionRound = 1002;
    public const int ArchiveRound = 1003;
    public const int ArchiveDayLeft = 1004;
    public const int ArchiveAttached = 1005;
    public const int ArchiveRoundFailed = 1006;
    public const int RollupRound = 1010;
    public const int RollupRoundFailed = 1011;
    public const int RedisUnavailable = 1110;
    public const int RedisBack = 1111;
    public const int RedisNotYetReachable = 1112;
}
