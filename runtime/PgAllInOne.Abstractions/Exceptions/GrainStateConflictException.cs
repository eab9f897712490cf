namespace PgAllInOne;

/// <summary>A conditional state write lost a race: the stored version was not the one this activation last saw.</summary>
public sealed class GrainStateConflictException : Exception
{
    public GrainStateConflictException() { }

    public GrainStateConflictException(string message) : base(message) { }

    public GrainStateConflictException(string message, Exception inner) : base(message, inner) { }

    public GrainStateConflictException(GrainId grainId, string stateName, long expectedVersion)
        : base($"Version conflict writing state '{stateName}' of grain {grainId}: expected version {expectedVersion}, but the stored version has moved on. Re-read the state and retry.")
    {
        GrainId = grainId;
        ExpectedVersion = expectedVersion;
    }

    public GrainId GrainId { get; }

    public long ExpectedVersion { get; }
}
