using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PgAllInOne.Runtime.Telemetry;

/// <summary>
/// Calls, failures and latency per grain method, from the runtime's meter, in windows that the heartbeat takes: the
/// figures of the dashboard. Latencies go into log-scale buckets (16 per decade, 1 µs to 100 s), so percentiles are
/// read to within about 15%. One per process: every silo of a process shares the runtime's meter.
/// </summary>
public sealed class CallStatistics : IDisposable
{
    private const int BucketsPerDecade = 16;
    private const int Buckets = 8 * BucketsPerDecade + 1; // 1e-3 ms .. 1e5 ms
    private readonly ConcurrentDictionary<(string Type, string Method), Window> windows = new();
    private readonly MeterListener listener = new();

    public CallStatistics()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RuntimeTelemetry.Name && instrument.Name is "pgaio.grain.call.duration" or "pgaio.grain.call.failures")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => WindowOf(tags).Record(value));
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => Interlocked.Increment(ref WindowOf(tags).Failures));
        listener.Start();
    }

    /// <summary>The calls since the previous window, busiest first; methods without calls are left out.</summary>
    public IReadOnlyList<MethodStats> TakeWindow()
    {
        var result = new List<MethodStats>();
        foreach (var (key, window) in windows)
        {
            var stats = window.Drain(key.Type, key.Method);
            if (stats.Calls > 0 || stats.Failures > 0)
            {
                result.Add(stats);
            }
        }

        return [.. result.OrderByDescending(s => s.Calls)];
    }

    public void Dispose() => listener.Dispose();

    private Window WindowOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string type = "", method = "";
        foreach (var tag in tags)
        {
            if (tag.Key == "grain.type")
            {
                type = tag.Value as string ?? "";
            }
            else if (tag.Key == "method")
            {
                method = tag.Value as string ?? "";
            }
        }

        return windows.GetOrAdd((type, method), static _ => new Window());
    }

    private sealed class Window
    {
        public long Failures;
        private readonly long[] counts = new long[Buckets];

        public void Record(double milliseconds)
        {
            var index = milliseconds <= 1e-3 ? 0 : (int)Math.Min(Buckets - 1, Math.Ceiling((Math.Log10(milliseconds) + 3) * BucketsPerDecade));
            Interlocked.Increment(ref counts[index]);
        }

        public MethodStats Drain(string type, string method)
        {
            var taken = new long[Buckets];
            long total = 0;
            for (var i = 0; i < Buckets; i++)
            {
                taken[i] = Interlocked.Exchange(ref counts[i], 0);
                total += taken[i];
            }

            return new MethodStats(type, method, total, Interlocked.Exchange(ref Failures, 0), Percentile(taken, total, 0.50), Percentile(taken, total, 0.99));
        }

        private static double Percentile(long[] counts, long total, double quantile)
        {
            if (total == 0)
            {
                return 0;
            }

            var rank = (long)Math.Ceiling(quantile * total);
            long seen = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                seen += counts[i];
                if (seen >= rank)
                {
                    return Math.Round(Math.Pow(10, (double)i / BucketsPerDecade - 3), 3); // the bucket's upper bound
                }
            }

            return Math.Pow(10, 5);
        }
    }
}
