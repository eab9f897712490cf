namespace PgAllInOne.Postgres;

/// <summary>
/// Whether the group-commit writers take writes now. Closed while a write could not be acknowledged in time (with
/// synchronous backups: while the backup location is not taking the WAL), so that writes are refused at once with a
/// reason instead of waiting in PostgreSQL without end; the writes already on their way when it closes are answered
/// then too (<see cref="Closing"/>).
/// </summary>
public sealed class WriteGate : IDisposable
{
    private readonly Lock sync = new();
    private volatile string? refusal;
    private CancellationTokenSource closing = new();

    /// <summary>Why writes are refused now (a sentence without its consequence); null while the gate is open.</summary>
    public string? Refusal => refusal;

    /// <summary>Cancelled when the gate closes, and already cancelled while it is closed.</summary>
    public CancellationToken Closing
    {
        get
        {
            lock (sync)
            {
                return closing.Token;
            }
        }
    }

    public void Close(string reason)
    {
        CancellationTokenSource closed;
        lock (sync)
        {
            refusal = reason;
            closed = closing;
        }

        if (!closed.IsCancellationRequested)
        {
            // Off this thread: the writers' continuations answer their callers, the closer goes on watching.
            _ = closed.CancelAsync();
        }
    }

    public void Dispose()
    {
        lock (sync)
        {
            closing.Dispose();
        }
    }

    public void Open()
    {
        lock (sync)
        {
            if (refusal is null)
            {
                return;
            }

            refusal = null;
            // The cancelled source is left to the collector: writers still waiting may hold its token.
            closing = new CancellationTokenSource();
        }
    }
}
