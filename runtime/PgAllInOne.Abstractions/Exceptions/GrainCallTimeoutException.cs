namespace PgAllInOne;

/// <summary>A grain call did not complete within the configured response timeout.</summary>
public sealed class GrainCallTimeoutException : TimeoutException
{
    public GrainCallTimeoutException() { }

    public GrainCallTimeoutException(string message) : base(message) { }

    public GrainCallTimeoutException(string message, Exception inner) : base(message, inner) { }
}
