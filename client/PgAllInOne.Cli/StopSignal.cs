namespace PgAllInOne.Cli;

/// <summary>
/// Two-stage stop for long runs. <see cref="Stopping"/> fires on cancellation (Ctrl+C) or when the run's time is up: start
/// no new requests. <see cref="Abort"/> fires a grace period later: give up on the requests still in flight. Letting them
/// finish is what keeps the printed counts equal to what the database holds; the grace after Ctrl+C is short so that
/// the command still stops within a second.
/// </summary>
public sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource stopping;
    private readonly CancellationTokenSource abort = new();
    private readonly CancellationTokenRegistration onCancel;
    private readonly CancellationTokenRegistration onStop;

    public StopSignal(TimeSpan? duration, TimeSpan cancelGrace, TimeSpan finishGrace, CancellationToken cancellation)
    {
        stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (duration is { } limit)
        {
            stopping.CancelAfter(limit);
        }

        // Whichever fires first, a cancellation always shortens the grace to cancelGrace.
        onStop = stopping.Token.Register(() => SafeCancelAfter(cancellation.IsCancellationRequested ? cancelGrace : finishGrace));
        onCancel = cancellation.Register(() => SafeCancelAfter(cancelGrace));
    }

    public CancellationToken Stopping => stopping.Token;

    public CancellationToken Abort => abort.Token;

    public void Dispose()
    {
        onCancel.Dispose();
        onStop.Dispose();
        stopping.Dispose();
        abort.Dispose();
    }

    private void SafeCancelAfter(TimeSpan delay)
    {
        try
        {
            abort.CancelAfter(delay);
        }
        catch (ObjectDisposedException)
        {
            // The run is over; nothing is left to abort.
        }
    }
}
