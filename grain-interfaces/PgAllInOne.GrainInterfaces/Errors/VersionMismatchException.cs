namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>The caller's expected version is not the current one (HTTP 412); nothing was written.</summary>
[GenerateSerializer, Alias("pgaio.VersionMismatchException")]
public sealed class VersionMismatchException : InvalidOperationException
{
    /// <inheritdoc />
    public VersionMismatchException() { }

    /// <inheritdoc />
    public VersionMismatchException(string message) : base(message) { }

    /// <inheritdoc />
    public VersionMismatchException(string message, Exception inner) : base(message, inner) { }
}
