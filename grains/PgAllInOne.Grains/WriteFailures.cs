using System.Text.Json;
using Npgsql;
using PgAllInOne.GrainInterfaces.Errors;

namespace PgAllInOne.Grains;

/// <summary>
/// What a failed group commit means for its callers: a value one write carries (a data exception, class 22, or a
/// constraint it breaks, class 23) is that write's fault, so the batch is split until only that write fails, with a
/// 400; a database that cannot be reached or is restarting is everyone's, so the whole batch fails with a 503.
/// </summary>
internal static class WriteFailures
{
    /// <summary>True when the failure could come from the values of one write of the batch rather than from the database.</summary>
    public static bool IsOneWritesFault(Exception exception) => exception switch
    {
        PostgresException pg => !pg.IsTransient && IsDataError(pg),
        NpgsqlException => false, // connection lost, timeout: the batch's, not a write's
        ArgumentException or InvalidCastException or FormatException or OverflowException or JsonException => true, // a value Npgsql could not write
        _ => false,
    };

    /// <summary>The exception the caller of a write that failed alone (or with its whole batch) is answered with.</summary>
    public static Exception ForCaller(Exception exception, string what) => exception switch
    {
        PostgresException pg when IsOneWritesFault(pg) =>
            new ValidationException($"PostgreSQL refused the {what} of this request ({pg.MessageText}); none of them were stored."),
        PostgresException { IsTransient: true } pg => new NpgsqlException("PostgreSQL cannot take writes now; try again.", pg),
        not NpgsqlException when IsOneWritesFault(exception) =>
            new ValidationException($"The {what} of this request carry a value that cannot be stored; none of them were stored."),
        _ => exception,
    };

    // 54000 (program limit exceeded) is a value too large for what holds it, such as an index row or a tsvector.
    private static bool IsDataError(PostgresException pg) =>
        pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState.StartsWith("23", StringComparison.Ordinal) || pg.SqlState == PostgresErrorCodes.ProgramLimitExceeded;
}
