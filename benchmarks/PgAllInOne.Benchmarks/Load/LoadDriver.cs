using System.Diagnostics;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>
/// Drives a call with a fixed number of concurrent callers, either as fast as it answers (closed loop: peak rate) or
/// at a set rate (open loop: latency under a given load), and records every call's latency.
/// </summary>
internal static class LoadDriver
{
    public static async Task<LoadResult> RunAsync(string name, int callers, TimeSpan duration, Func<int, Task> call, double? targetRate = null)
    {
        var latencies = new List<double>[callers];
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perCallerInterval = targetRate is { } rate ? TimeSpan.FromSeconds(callers / rate) : TimeSpan.Zero;

        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var mine = latencies[caller] = new List<double>(64 * 1024);
            var next = Stopwatch.GetTimestamp() + (long)(perCallerInterval.TotalSeconds * Stopwatch.Frequency * caller / callers);
            while (Stopwatch.GetTimestamp() < end)
            {
                if (targetRate is not null)
                {
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait);
                    }

                    next += (long)(perCallerInterval.TotalSeconds * Stopwatch.Frequency);
                }

                var before = Stopwatch.GetTimestamp();
                await call(caller);
                mine.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
            }
        })));

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(name, all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), all.Length);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
