namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>
/// The connection to PostgreSQL was lost as the write was committed, and PostgreSQL could not be asked in time whether
/// it committed: the write may or may not be stored, so it is read back before it is sent again (HTTP 503 with
/// Retry-After, saying so).
/// </summary>
[GenerateSerializer, Alias("pgaio.WriteOutcomeUnknownException")]
public sealed class WriteOutcomeUnknownException : Exception
{
    /// <inheritdoc />
    public WriteOutcomeUnknownException() { }

    /// <inheritdoc />
    public WriteOutcomeUnknownException(string message) : base(message) { }

    /// <inheritdoc />
    public WriteOutcomeUnknownException(string message, Exception inner) : base(message, inner) { }
}
