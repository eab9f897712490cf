using System.Collections.Concurrent;
using System.Diagnostics;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// Measures how late this process runs a timer's continuation (a stall of the shared machine, a GC, a starved thread
/// pool), so that a latency bound can allow for the stalls seen during the very interval it measured and for nothing
/// else. A 10 ms tick that ran 800 ms late is 790 ms of stall.
/// </summary>
internal sealed class SchedulerStalls : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<(TimeSpan Start, TimeSpan End, TimeSpan Late)> ticks = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task probe;

    public SchedulerStalls() => probe = Task.Run(ProbeAsync);

    /// <summary>The time since this probe started, the clock <see cref="During"/> takes.</summary>
    public TimeSpan Now => clock.Elapsed;

    /// <summary>The stall of every tick that overlapped the interval from <paramref name="start"/> to <paramref name="end"/>, summed.</summary>
    public TimeSpan During(TimeSpan start, TimeSpan end) =>
        TimeSpan.FromTicks(ticks.Where(t => t.End >= start && t.Start <= end).Sum(t => t.Late.Ticks));

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await probe;
        stop.Dispose();
    }

    private async Task ProbeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var start = clock.Elapsed;
            try
            {
                await Task.Delay(Tick, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var end = clock.Elapsed;
            var late = end - start - Tick;
            if (late > TimeSpan.FromMilliseconds(5))
            {
                ticks.Enqueue((start, end, late));
            }
        }
    }
}
