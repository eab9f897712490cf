using Microsoft.Extensions.Logging;

namespace PgAllInOne.Postgres.Backups;

internal static partial class BackupLog
{
    [LoggerMessage(EventId = LogEvents.BackupsStarted, Level = LogLevel.Information, Message = "Backups to {Directory}: WAL streamed continuously ({Mode}), a base backup every {Interval}, {Keep} kept")]
    public static partial void BackupsStarted(this ILogger logger, string directory, string mode, TimeSpan interval, int keep);

    [LoggerMessage(EventId = LogEvents.WalReceiverStopped, Level = LogLevel.Warning, Message = "pg_receivewal stopped ({Reason}); it is started again in {Seconds} s")]
    public static partial void WalReceiverStopped(this ILogger logger, string reason, double seconds);

    [LoggerMessage(EventId = LogEvents.BaseBackupTaken, Level = LogLevel.Information, Message = "Base backup {Id} taken ({Bytes} bytes in {Seconds} s), verified: {Verified}")]
    public static partial void BaseBackupTaken(this ILogger logger, string id, long bytes, double seconds, bool verified);

    [LoggerMessage(EventId = LogEvents.BaseBackupFailed, Level = LogLevel.Error, Message = "Base backup {Id} failed: {Reason}")]
    public static partial void BaseBackupFailed(this ILogger logger, string id, string reason);

    [LoggerMessage(EventId = LogEvents.BaseBackupsPruned, Level = LogLevel.Information, Message = "Removed base backups {Ids} and the WAL only they needed")]
    public static partial void BaseBackupsPruned(this ILogger logger, string ids);

    [LoggerMessage(EventId = LogEvents.BackupBehind, Level = LogLevel.Error, Message = "The backup location has not taken the WAL for {Seconds} s; synchronous backups: writes are refused until it does")]
    public static partial void BackupBehind(this ILogger logger, double seconds);

    [LoggerMessage(EventId = LogEvents.BackupCaughtUp, Level = LogLevel.Warning, Message = "The backup location has all of the WAL again; writes are taken")]
    public static partial void BackupCaughtUp(this ILogger logger);

    [LoggerMessage(EventId = LogEvents.BackupStatusFailed, Level = LogLevel.Debug, Message = "The WAL streaming lag could not be read: {Reason}")]
    public static partial void BackupStatusFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = LogEvents.WalReceiverStalled, Level = LogLevel.Error, Message = "pg_receivewal has not reported to the server for {Seconds} s (stopped, or hung on the backup location): it is killed and started again")]
    public static partial void WalReceiverStalled(this ILogger logger, double seconds);

    [LoggerMessage(EventId = LogEvents.SynchronousNamesRestored, Level = LogLevel.Warning, Message = "synchronous_standby_names was changed to '{Names}' behind the synchronous backups; set to the WAL receiver again")]
    public static partial void SynchronousNamesRestored(this ILogger logger, string names);

    [LoggerMessage(EventId = LogEvents.RestorePointSet, Level = LogLevel.Information, Message = "Restore point {Name} set at {Lsn}")]
    public static partial void RestorePointSet(this ILogger logger, string name, string lsn);
}
