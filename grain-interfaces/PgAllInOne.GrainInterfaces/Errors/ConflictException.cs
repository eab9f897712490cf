namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>A uniqueness rule would be broken (HTTP 409); nothing was written.</summary>
[GenerateSerializer, Alias("pgaio.ConflictException")]
public sealed class ConflictException : InvalidOperationException
{
    /// <inheritdoc />
    public ConflictException() { }

    /// <inheritdoc />
    public ConflictException(string message) : base(message) { }

    /// <inheritdoc />
    public ConflictException(string message, Exception inner) : base(message, inner) { }
}
