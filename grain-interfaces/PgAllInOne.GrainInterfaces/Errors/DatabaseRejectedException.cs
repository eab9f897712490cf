namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>PostgreSQL refused a statement for good (its SQLSTATE says why); retrying the same request fails the same way.</summary>
[GenerateSerializer, Alias("pgaio.DatabaseRejectedException")]
public sealed class DatabaseRejectedException : Exception
{
    public DatabaseRejectedException() { }

    public DatabaseRejectedException(string message) : base(message) { }

    public DatabaseRejectedException(string message, Exception inner) : base(message, inner) { }

    public DatabaseRejectedException(string sqlState, string message) : base(message) => SqlState = sqlState;

    /// <summary>PostgreSQL's error code, e.g. 22021 for text that is not valid in the database's encoding.</summary>
    [Id(0)]
    public string SqlState { get; init; } = "";
}
