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
    /// True for a failure that passes: not the server's answer (no connection, a broken one, a timeout), or an answer
    /// Npgsql knows to be passing (the server starting or shutting down, too many connections, a serialization failure).
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        exception is NpgsqlException { IsTransient: true } or (NpgsqlException and not PostgresException);

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
