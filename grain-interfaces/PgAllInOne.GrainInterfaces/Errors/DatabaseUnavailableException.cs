namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>
/// PostgreSQL could not be reached, or refused for a while (starting, shutting down, too many connections, a
/// serialization failure): nothing was written, and the same request may succeed later (HTTP 503 with Retry-After).
/// </summary>
[GenerateSerializer, Alias("pgaio.DatabaseUnavailableException")]
public sealed class DatabaseUnavailableException : Exception
{
    /// <inheritdoc />
    public DatabaseUnavailableException() { }

    /// <inheritdoc />
    public DatabaseUnavailableException(string message) : base(message) { }

    /// <inheritdoc />
    public DatabaseUnavailableException(string message, Exception inner) : base(message, inner) { }
}
