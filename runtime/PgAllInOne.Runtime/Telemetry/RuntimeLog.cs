using Microsoft.Extensions.Logging;

namespace PgAllInOne.Runtime;

internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "Activation of grain {GrainId} failed")]
    public static partial void ActivationFailed(this ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "OnDeactivateAsync of grain {GrainId} failed")]
    public static partial void DeactivationFailed(this ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "A timer callback of grain {GrainId} failed")]
    public static partial void TimerCallbackFailed(this ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "A turn of grain {GrainId} failed unexpectedly")]
    public static partial void TurnFailed(this ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Applied migration {Migration}")]
    public static partial void MigrationApplied(this ILogger logger, string migration);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Database schema is up to date ({Count} migrations)")]
    public static partial void MigrationsUpToDate(this ILogger logger, int count);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Started embedded PostgreSQL {Version} in {DataDirectory}; others can join with: {ConnectionString}")]
    public static partial void EmbeddedPostgresStarted(this ILogger logger, string version, string dataDirectory, string connectionString);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Stopped embedded PostgreSQL in {DataDirectory}")]
    public static partial void EmbeddedPostgresStopped(this ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "The postgres account cannot reach {Requested}; the embedded PostgreSQL keeps its files in {Actual} instead")]
    public static partial void EmbeddedPostgresRelocated(this ILogger logger, string requested, string actual);

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Silo {SiloId} is active")]
    public static partial void SiloActive(this ILogger logger, string siloId);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Silo {SiloId} stopped: {Activations} activations deactivated")]
    public static partial void SiloStopped(this ILogger logger, string siloId, int activations);

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "A state write batch of {Count} writes failed as a whole; retrying them one by one")]
    public static partial void StateBatchFailed(this ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Silo {SiloId} joined cluster '{ClusterId}' at {Endpoint}")]
    public static partial void SiloJoined(this ILogger logger, string siloId, string clusterId, string endpoint);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Declared silo {SiloId} dead: no heartbeat for {Timeout}")]
    public static partial void SiloDeclaredDead(this ILogger logger, string siloId, TimeSpan timeout);

    [LoggerMessage(EventId = 602, Level = LogLevel.Critical, Message = "Silo {SiloId} was declared dead by the cluster and stops serving")]
    public static partial void DeclaredDeadByOthers(this ILogger logger, string siloId);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Membership heartbeat failed; retrying")]
    public static partial void HeartbeatFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 700, Level = LogLevel.Debug, Message = "Connection from {Remote} closed: {Reason}")]
    public static partial void ConnectionClosed(this ILogger logger, string remote, string reason);
}
