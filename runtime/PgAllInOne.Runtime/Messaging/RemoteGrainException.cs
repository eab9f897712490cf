namespace PgAllInOne;

/// <summary>A grain on another process failed; carries the original exception's type name and message.</summary>
public sealed class RemoteGrainException : Exception
{
    public RemoteGrainException() { }

    public RemoteGrainException(string message) : base(message) { }

    public RemoteGrainException(string message, Exception inner) : base(message, inner) { }

    public RemoteGrainException(string remoteType, string message) : base($"{remoteType}: {message}") => RemoteType = remoteType;

    /// <summary>The full type name of the exception thrown on the remote side.</summary>
    public string? RemoteType { get; }
}
