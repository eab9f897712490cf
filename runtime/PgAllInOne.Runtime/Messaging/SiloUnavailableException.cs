namespace PgAllInOne;

/// <summary>The silo a call was sent to cannot be reached, or its connection was lost with the call in flight.</summary>
public sealed class SiloUnavailableException : Exception
{
    public SiloUnavailableException() { }

    public SiloUnavailableException(string message) : base(message) { }

    public SiloUnavailableException(string message, Exception inner) : base(message, inner) { }
}
