using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.HighAvailability;

/// <summary>
/// Patroni's own write gap, seen past the silos: every 50 ms, whether some node commits a write
/// (<see cref="PatroniCluster.TakesWritesAsync"/>), on the load's clock.
/// </summary>
internal sealed class WriteProbe : IDisposable
{
    private readonly List<(TimeSpan At, bool Writable)> seen = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task running;

    public WriteProbe(PatroniCluster cluster, HaLoad load) => running = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            var at = load.Now;
            var writable = false;
            foreach (var node in cluster.Nodes)
            {
                if (await PatroniCluster.TakesWritesAsync(node))
                {
                    writable = true;
                    break;
                }
            }

            lock (seen)
            {
                seen.Add((at, writable));
            }

            await Task.Delay(50);
        }
    });

    /// <summary>Stops it too, for a test that failed before stopping it: nothing goes on into the next test.</summary>
    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
    }

    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await running;
    }

    /// <summary>When a node first took a write after <paramref name="after"/>, having taken none for a while before.</summary>
    public TimeSpan? BackAfter(TimeSpan after)
    {
        lock (seen)
        {
            var lost = seen.FindIndex(s => s.At >= after && !s.Writable);
            if (lost < 0)
            {
                return null;
            }

            var back = seen.FindIndex(lost, s => s.Writable);
            return back < 0 ? null : seen[back].At;
        }
    }

    /// <summary>The longest time no node took a write: from the last write before the first failed probe to the first after.</summary>
    public TimeSpan Gap(TimeSpan after)
    {
        lock (seen)
        {
            var gap = TimeSpan.Zero;
            var lastWritable = (TimeSpan?)null;
            foreach (var (at, writable) in seen.Where(s => s.At >= after))
            {
                if (writable)
                {
                    if (lastWritable is { } last && at - last > gap)
                    {
                        gap = at - last;
                    }

                    lastWritable = at;
                }
            }

            return gap;
        }
    }
}
