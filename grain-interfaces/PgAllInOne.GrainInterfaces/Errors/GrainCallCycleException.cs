namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>
/// A call would reach a non-reentrant grain that is already waiting further up the same call chain: it could only
/// wait out the response timeout, so it fails at once and names the cycle.
/// </summary>
[GenerateSerializer, Alias("pgaio.GrainCallCycleException")]
public sealed class GrainCallCycleException : InvalidOperationException
{
    /// <inheritdoc />
    public GrainCallCycleException() { }

    /// <inheritdoc />
    public GrainCallCycleException(string message) : base(message) { }

    /// <inheritdoc />
    public GrainCallCycleException(string message, Exception inner) : base(message, inner) { }
}
