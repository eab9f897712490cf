using PgAllInOne.Postgres;

namespace PgAllInOne.OrleansExtensions.GrainStorage;

internal enum StateWriteKind
{
    Insert,
    Update,
    Clear,
}

/// <summary>One grain's state write waiting for its group commit; answered with the new version, or null on a version conflict.</summary>
internal sealed record PendingStateWrite(StateWriteKind Kind, string GrainType, string GrainKey, string StateName, string? State, long ExpectedVersion)
    : PendingWrite<long?>;
