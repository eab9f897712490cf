namespace PgAllInOne;

/// <summary>A call would re-enter a non-reentrant grain already waiting in the same call chain, which would deadlock.</summary>
public sealed class GrainCallCycleException : InvalidOperationException
{
    public GrainCallCycleException() { }

    public GrainCallCycleException(string message) : base(message) { }

    public GrainCallCycleException(string message, Exception inner) : base(message, inner) { }
}
