using Microsoft.Extensions.Logging;

namespace PgAllInOne.Postgres;

internal static partial class PostgresLog
{
    [LoggerMessage(EventId = LogEvents.MigrationApplied, Level = LogLevel.Information, Message = "Applied migration {Migration}")]
    public static partial void MigrationApplied(this ILogger logger, string migration);

    [LoggerMessage(EventId = LogEvents.MigrationsUpToDate, Level = LogLevel.Information, Message = "Database schema is up to date ({Count} migrations)")]
    public static partial void MigrationsUpToDate(this ILogger logger, int count);

    [LoggerMessage(EventId = LogEvents.EmbeddedPostgresStarted, Level = LogLevel.Information, Message = "Started embedded PostgreSQL {Version} in {DataDirectory}; other silos can join with --ConnectionStrings:Postgres_FILE={ServingConnectionFile} --ConnectionStrings:PostgresAdmin_FILE={AdminConnectionFile}")]
    public static partial void EmbeddedPostgresStarted(this ILogger logger, string version, string dataDirectory, string servingConnectionFile, string adminConnectionFile);

    [LoggerMessage(EventId = LogEvents.EmbeddedPostgresStopped, Level = LogLevel.Information, Message = "Stopped embedded PostgreSQL in {DataDirectory}")]
    public static partial void EmbeddedPostgresStopped(this ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = LogEvents.EmbeddedPostgresRelocated, Level = LogLevel.Warning, Message = "The postgres account cannot reach {Requested}; the embedded PostgreSQL keeps its files in {Actual} instead")]
    public static partial void EmbeddedPostgresRelocated(this ILogger logger, string requested, string actual);

    [LoggerMessage(EventId = LogEvents.CommitStillInDoubt, Level = LogLevel.Debug, Message = "The answer of {Queue} group commit {CommitId} was lost and the database cannot be asked yet (attempt {Attempt}): {Reason}")]
    public static partial void CommitStillInDoubt(this ILogger logger, string queue, Guid commitId, int attempt, string reason);

    [LoggerMessage(EventId = LogEvents.LostCommitResolved, Level = LogLevel.Warning, Message = "The answer of {Queue} group commit {CommitId} ({Callers} writes) was lost; the commit log says: {Outcome} (after {Milliseconds} ms)")]
    public static partial void LostCommitResolved(this ILogger logger, string queue, Guid commitId, int callers, CommitOutcome outcome, double milliseconds);

    [LoggerMessage(EventId = LogEvents.ServingRoleGranted, Level = LogLevel.Information, Message = "Granted {Role} to the serving login {Login}")]
    public static partial void ServingRoleGranted(this ILogger logger, string role, string login);

    [LoggerMessage(EventId = LogEvents.ServingLoginIsSuperuser, Level = LogLevel.Warning, Message = "The serving login {Login} of ConnectionStrings:Postgres is a superuser: give the silo a login without superuser rights (see README, Security)")]
    public static partial void ServingLoginIsSuperuser(this ILogger logger, string login);
}
