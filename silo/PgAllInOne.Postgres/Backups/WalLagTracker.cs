namespace PgAllInOne.Postgres.Backups;

/// <summary>
/// The WAL streaming lag in time: how long ago the server had flushed WAL that the backup location still lacks. Each
/// sample notes the server's flush position and when it was seen; the lag is the age of the oldest position not yet
/// received (0 when the receiver has everything seen before this sample).
/// </summary>
public sealed class WalLagTracker
{
    private const int MostSamples = 100_000;
    private readonly Queue<(DateTimeOffset At, ulong Lsn)> pending = new();
    private ulong lastNoted;

    public TimeSpan Lag { get; private set; }

    public TimeSpan Observe(DateTimeOffset now, ulong serverFlushed, ulong receiverFlushed)
    {
        while (pending.Count > 0 && pending.Peek().Lsn <= receiverFlushed)
        {
            pending.Dequeue();
        }

        Lag = pending.Count > 0 ? now - pending.Peek().At : TimeSpan.Zero;

        // Kept only when the server has moved on; past the cap the oldest unreceived position still dates the lag.
        if (serverFlushed > receiverFlushed && serverFlushed > lastNoted && pending.Count < MostSamples)
        {
            pending.Enqueue((now, serverFlushed));
            lastNoted = serverFlushed;
        }

        return Lag;
    }
}
