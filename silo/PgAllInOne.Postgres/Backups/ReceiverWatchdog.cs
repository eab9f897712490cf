namespace PgAllInOne.Postgres.Backups;

/// <summary>
/// Tells when the WAL receiver has stopped answering. A running pg_receivewal reports to the server every second (its
/// status interval), idle or not; one that has not reported for <see cref="Bound"/>, or has had no replication
/// connection for that long, is stuck (stopped, or hung on the backup location) and is to be started again. Restarting
/// one that is merely slow costs a second; waiting on a stuck one keeps synchronous commits waiting without end.
/// </summary>
public sealed class ReceiverWatchdog
{
    private readonly TimeProvider time;
    private DateTimeOffset lastHeard;

    public ReceiverWatchdog(TimeSpan bound, TimeProvider time)
    {
        Bound = bound;
        this.time = time;
        lastHeard = time.GetUtcNow();
    }

    public TimeSpan Bound { get; }

    /// <summary>How long since the receiver was last heard of (or since it was last started again).</summary>
    public TimeSpan Silence => time.GetUtcNow() - lastHeard;

    /// <param name="replyAge">How long ago the server last heard from the receiver; null: it has no replication connection.</param>
    /// <returns>True when the receiver is to be started again; the new one then has a whole <see cref="Bound"/> to report.</returns>
    public bool Observe(TimeSpan? replyAge)
    {
        var now = time.GetUtcNow();
        if (replyAge is { } age && now - age > lastHeard)
        {
            lastHeard = now - age;
        }

        if (now - lastHeard < Bound)
        {
            return false;
        }

        lastHeard = now;
        return true;
    }
}
