using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains;

/// <summary>What the caller of a write a group-commit queue refused is told (HTTP 503 either way): nothing was written.</summary>
public static class QueueRefusal
{
    /// <summary>The exception for <paramref name="result"/>, or null when the write was queued.</summary>
    public static Exception? For(Enqueued result, string writes) => result switch
    {
        Enqueued.Full => new OverloadedException($"{GroupCommitQueue<object>.DefaultCapacity} {writes} are waiting for PostgreSQL; nothing was written, try again."),
        Enqueued.Closed => new SiloUnavailableException($"The silo is shutting down; {writes} can no longer be stored here."),
        _ => null,
    };
}
