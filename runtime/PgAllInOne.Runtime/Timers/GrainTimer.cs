using PgAllInOne.Runtime.Activation;
using PgAllInOne.Runtime.Invocation;

namespace PgAllInOne.Runtime.Timers;

/// <summary>A per-activation timer: each tick is queued as a turn; a tick is skipped while the previous one is pending.</summary>
internal sealed class GrainTimer : IDisposable
{
    private readonly ActivationData activation;
    private readonly Func<CancellationToken, Task> callback;
    private readonly Timer timer;
    private readonly CancellationTokenSource disposed = new();
    private int pending;

    public GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        this.activation = activation;
        this.callback = callback;
        timer = new Timer(static state => ((GrainTimer)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        timer.Change(dueTime, period);
    }

    private void Tick()
    {
        if (disposed.IsCancellationRequested || Interlocked.Exchange(ref pending, 1) == 1)
        {
            return;
        }

        if (!activation.TryEnqueueInternal(new TimerTurn(this)))
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        if (disposed.IsCancellationRequested)
        {
            return;
        }

        disposed.Cancel();
        timer.Dispose();
        activation.RemoveTimer(this);
    }

    private sealed class TimerTurn(GrainTimer owner) : Turn
    {
        public override async Task ExecuteAsync(ActivationData activation)
        {
                        if (!RanExclusive)
            {
                CallChain.Current = CreateChain(activation);
            }

            try
            {
                if (!owner.disposed.IsCancellationRequested)
                {
                    await owner.callback(owner.disposed.Token);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !owner.disposed.IsCancellationRequested)
            {
                activation.Log.TimerCallbackFailed(activation.Id, exception);
            }
            catch (OperationCanceledException)
            {
                // Disposed while running: nothing to report.
            }
            finally
            {
                Volatile.Write(ref owner.pending, 0);
            }
        }
    }
}
