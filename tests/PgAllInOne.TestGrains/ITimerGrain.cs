namespace PgAllInOne.Tests.Grains;

public interface ITimerGrain : IGrainWithStringKey
{
    Task Start(int periodMs);

    /// <summary>A long request during which timer ticks must wait.</summary>
    Task<int> BusyRequest(int durationMs);

    Task<TimerStats> Stats();
}

public sealed record TimerStats(int Ticks, int TicksDuringRequest, int ConcurrentEntries);

public sealed class TimerGrain : Grain, ITimerGrain
{
    private IDisposable? timer;
    private bool inRequest;
    private int inside;
    private int ticks;
    private int ticksDuringRequest;
    private int concurrentEntries;

    public Task Start(int periodMs)
    {
        timer ??= RegisterTimer(OnTickAsync, TimeSpan.FromMilliseconds(periodMs), TimeSpan.FromMilliseconds(periodMs));
        return Task.CompletedTask;
    }

    public async Task<int> BusyRequest(int durationMs)
    {
        Enter();
        inRequest = true;
        try
        {
            // Awaits hand the thread back; a timer tick must still not run until this request is done.
            var until = DateTime.UtcNow.AddMilliseconds(durationMs);
            while (DateTime.UtcNow < until)
            {
                await Task.Delay(5);
            }

            return ticks;
        }
        finally
        {
            inRequest = false;
            Exit();
        }
    }

    public Task<TimerStats> Stats() => Task.FromResult(new TimerStats(ticks, ticksDuringRequest, concurrentEntries));

    private async Task OnTickAsync(CancellationToken cancellationToken)
    {
        Enter();
        try
        {
            ticks++;
            if (inRequest)
            {
                ticksDuringRequest++;
            }

            await Task.Delay(1, cancellationToken);
        }
        finally
        {
            Exit();
        }
    }

    private void Enter()
    {
        if (Interlocked.Increment(ref inside) > 1)
        {
            concurrentEntries++;
        }
    }

    private void Exit() => Interlocked.Decrement(ref inside);
}
