using Microsoft.Extensions.Logging;
using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// Whether the silo's PostgreSQL answers, as the silo's long-lived connection finds out: the loss is logged once as a
/// warning and the return once as information, however often the connection retries in between. While
/// <see cref="IsLost"/> holds, the retries of others (Orleans' membership) are known to be part of the same outage.
/// </summary>
public sealed partial class PostgresReachability(PostgresDatabase database, TimeProvider time, ILogger<PostgresReachability> logger)
{
    private readonly Lock gate = new();
    private readonly string server = Describe(database.ConnectionString);
    private long? lostAt;

    public bool IsLost
    {
        get
        {
            lock (gate)
            {
                return lostAt is not null;
            }
        }
    }

    /// <summary>A connection or statement failed; the first failure of an outage is logged, the others are not.</summary>
    public void Failed(Exception exception)
    {
        lock (gate)
        {
            if (lostAt is not null)
            {
                return;
            }

            lostAt = time.GetTimestamp();
        }

        var reason = Reason(exception);
        LogLost(logger, server, reason);
    }

    /// <summary>PostgreSQL answered; ends an outage, if there was one.</summary>
    public void Reached()
    {
        TimeSpan outage;
        lock (gate)
        {
            if (lostAt is not { } since)
            {
                return;
            }

            outage = time.GetElapsedTime(since);
            lostAt = null;
        }

        var seconds = Math.Round(outage.TotalSeconds, 1);
        LogBack(logger, server, seconds);
    }

    private static string Describe(string connectionString)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{connection.Host}:{connection.Port}/{connection.Database}";
    }

    // The innermost message says what happened (connection refused, terminated by administrator command, ...).
    private static string Reason(Exception exception)
    {
        var reasons = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            reasons.Add(current.Message);
        }

        return string.Join(": ", reasons.Distinct(StringComparer.Ordinal));
    }

    [LoggerMessage(EventId = LogEvents.PostgresUnreachable, Level = LogLevel.Warning, Message = "PostgreSQL at {Server} is unreachable ({Reason}); requests that need it get 503 until it is back, and the silo carries on")]
    private static partial void LogLost(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = LogEvents.PostgresReachableAgain, Level = LogLevel.Information, Message = "PostgreSQL at {Server} is reachable again after {OutageSeconds} s")]
    private static partial void LogBack(ILogger logger, string server, double outageSeconds);
}
