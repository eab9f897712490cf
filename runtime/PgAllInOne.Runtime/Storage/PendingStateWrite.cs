namespace PgAllInOne.Runtime.Storage;

internal enum StateWriteKind
{
    Insert,
    Update,
    Clear,
}

internal sealed class PendingStateWrite(StateWriteKind kind, GrainId grainId, string stateName, string? payload, long expectedVersion)
{
    public StateWriteKind Kind { get; } = kind;

    public GrainId GrainId { get; } = grainId;

    public string StateName { get; } = stateName;

    public string? Payload { get; } = payload;

    public long ExpectedVersion { get; } = expectedVersion;

    public TaskCompletionSource<long?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
