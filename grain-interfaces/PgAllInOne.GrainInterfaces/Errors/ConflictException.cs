namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>A uniqueness rule would be broken (HTTP 409); nothing was written.</summary>
[GenerateSerializer, Alias("pgaio.ConflictException")]
public sealed class ConflictException : InvalidOperationException
{
    public ConflictException() { }

    public ConflictException(string message) : base(message) { }

    public ConflictException(string message, Exception inner) : base(message, inner) { }
}
