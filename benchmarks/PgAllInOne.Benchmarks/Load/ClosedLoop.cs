using System.Diagnostics;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>Callers in closed loops: each calls again as soon as its call returns.</summary>
internal static class ClosedLoop
{
    /// <summary>Each caller calls in a loop for the duration; completed calls per second over all of them.</summary>
    public static async Task<double> RateAsync(Func<Task>[] callers, TimeSpan duration)
    {
        var stop = Stopwatch.StartNew();
        var counts = await Task.WhenAll(callers.Select(call => Task.Run(async () =>
        {
            long done = 0;
            while (stop.Elapsed < duration)
            {
                await call();
                done++;
            }

            return done;
        })));
        return counts.Sum() / stop.Elapsed.TotalSeconds;
    }
}
