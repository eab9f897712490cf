using System.Text.Json;
using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// What a PostgreSQL failure is: one that passes (the database is unreachable or busy for a while), or one a write's
/// own values caused (a data exception, class 22, a constraint it breaks, class 23, or a value too large for what
/// holds it), which no retry mends.
/// </summary>
public static class PostgresFailure
{
    /// <summary>
    /// True for a failure that passes: not the server's answer (no connection, a broken one, a timeout), an answer
    /// Npgsql knows to be passing (the server starting or shutting down, too many connections, a serialization failure),
    /// or one of a server that is not (or no longer) the primary (<see cref="IsNotPrimary"/>): a failover moves the
    /// primary elsewhere, and the write succeeds there.
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        exception is NpgsqlException { IsTransient: true } or (NpgsqlException and not PostgresException) || IsNotPrimary(exception) || IsShuttingDown(exception);

    /// <summary>
    /// True when the server that answered is a standby, or a primary being demoted: 25006 (a write in a read-only
    /// transaction), or a statement refused during recovery (0A000, 55000). Npgsql counts none of them as transient.
    /// </summary>
    public static bool IsNotPrimary(Exception exception) => exception is PostgresException pg && (
        pg.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction
        || (pg.SqlState is PostgresErrorCodes.FeatureNotSupported or PostgresErrorCodes.ObjectNotInPrerequisiteState && MentionsRecovery(pg)));

    // 57P01-57P03: the server is shutting down (Patroni demotes by restarting), crashed, or cannot take connections yet.
    private static bool IsShuttingDown(Exception exception) => exception is PostgresException
    {
        SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
    };

    // The state alone is too broad (0A000 is also any feature PostgreSQL lacks); these are the ones of recovery.
    private static bool MentionsRecovery(PostgresException pg) =>
        pg.MessageText.Contains("recovery", StringComparison.OrdinalIgnoreCase) || (pg.Hint?.Contains("recovery", StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>
    /// True when the failure is not the server's answer (a broken connection, a timeout): raised after a commit was sent,
    /// it leaves open whether the commit happened. An error the server sent means its transaction did not commit.
    /// </summary>
    public static bool IsAnswerLost(Exception exception) => exception is NpgsqlException and not PostgresException;

    /// <summary>True when the failure could come from the values of one write of a batch rather than from the database.</summary>
    public static bool IsOneWritesFault(Exception exception) => exception switch
    {
        PostgresException pg => !pg.IsTransient && IsDataError(pg),
        NpgsqlException => false, // connection lost, timeout: the batch's, not a write's
        ArgumentException or InvalidCastException or FormatException or OverflowException or JsonException => true, // a value Npgsql could not write
        _ => false,
    };

    // 54000 (program limit exceeded) is a value too large for what holds it, such as an index row or a tsvector.
    private static bool IsDataError(PostgresException pg) =>
        pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState.StartsWith("23", StringComparison.Ordinal) || pg.SqlState == PostgresErrorCodes.ProgramLimitExceeded;
}
