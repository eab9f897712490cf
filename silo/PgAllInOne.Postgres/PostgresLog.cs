using Microsoft.Extensions.Logging;

namespace PgAllInOne.Postgres;

internal static partial class PostgresLog
{
    [LoggerMessage(EventId = LogEvents.MigrationApplied, Level = LogLevel.Information, Message = "Applied migration {Migration}")]
    public static partial void MigrationApplied(this ILogger logger, string migration);

    [LoggerMessage(EventId = LogEvents.MigrationsUpToDate, Level = LogLevel.Information, Message = "Database schema is up to date ({Count} migrations)")]
    public static partial void MigrationsUpToDate(this ILogger logger, int count);

    [LoggerMessage(EventId = LogEvents.EmbeddedPostgresStarted, Level = LogLevel.Information, Message = "Started embedded PostgreSQL {Version} in {DataDirectory}; others can join with: {ConnectionString}")]
    public static partial void EmbeddedPostgresStarted(this ILogger logger, string version, string dataDirectory, string connectionString);

    [LoggerMessage(EventId = LogEvents.EmbeddedPostgresStopped, Level = LogLevel.Information, Message = "Stopped embedded PostgreSQL in {DataDirectory}")]
    public static partial void EmbeddedPostgresStopped(this ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = LogEvents.EmbeddedPostgresRelocated, Level = LogLevel.Warning, Message = "The postgres account cannot reach {Requested}; the embedded PostgreSQL keeps its files in {Actual} instead")]
    public static partial void EmbeddedPostgresRelocated(this ILogger logger, string requested, string actual);
}
