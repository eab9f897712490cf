namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>The caller's expected version is not the current one (HTTP 412); nothing was written.</summary>
[GenerateSerializer, Alias("pgaio.VersionMismatchException")]
public sealed class VersionMismatchException : InvalidOperationException
{
    public VersionMismatchException() { }

    public VersionMismatchException(string message) : base(message) { }

    public VersionMismatchException(string message, Exception inner) : base(message, inner) { }
}
