namespace PgAllInOne.Postgres;

/// <summary>What became of an item offered to a <see cref="GroupCommitQueue{TItem}"/>.</summary>
public enum Enqueued
{
    /// <summary>It waits for its commit.</summary>
    Queued,

    /// <summary>Refused: as many items wait as the queue holds; the database is behind.</summary>
    Full,

    /// <summary>Refused: the queue is closed, the silo is stopping.</summary>
    Closed,
}
