namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>PostgreSQL refused a statement for good (its SQLSTATE says why); retrying the same request fails the same way.</summary>
[GenerateSerializer, Alias("pgaio.DatabaseRejectedException")]
public sealed class DatabaseRejectedException : Exception
{
    /// <inheritdoc />
    public DatabaseRejectedException() { }

    /// <inheritdoc />
    public DatabaseRejectedException(string message) : base(message) { }

    /// <inheritdoc />
    public DatabaseRejectedException(string message, Exception inner) : base(message, inner) { }

    /// <summary>A refusal with PostgreSQL's error code.</summary>
    /// <param name="sqlState">PostgreSQL's SQLSTATE.</param>
    /// <param name="message">What was refused, and why.</param>
    public DatabaseRejectedException(string sqlState, string message) : base(message) => SqlState = sqlState;

    /// <summary>PostgreSQL's error code, e.g. 22021 for text that is not valid in the database's encoding.</summary>
    [Id(0)]
    public string SqlState { get; init; } = "";
}
