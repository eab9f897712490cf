using System.Numerics;

namespace PgAllInOne.Cli.Load;

/// <summary>
/// Latencies in microseconds, log-bucketed with 64 sub-buckets per power of two (within ~1.6 %), so that memory stays
/// fixed however long a run lasts. One per worker, merged at the end: no locking on the hot path.
/// </summary>
public sealed class LatencyHistogram
{
    private const int Exact = 128; // below this many microseconds every value has its own bucket
    private const int SubBuckets = 64;
    private readonly long[] counts = new long[Exact + (64 - 7) * SubBuckets];

    public long Count { get; private set; }

    public long MaxMicroseconds { get; private set; }

    public void Record(TimeSpan latency)
    {
        var microseconds = Math.Max(0, (long)(latency.Ticks / (double)TimeSpan.TicksPerMicrosecond));
        counts[Index(microseconds)]++;
        Count++;
        MaxMicroseconds = Math.Max(MaxMicroseconds, microseconds);
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] += other.counts[i];
        }

        Count += other.Count;
        MaxMicroseconds = Math.Max(MaxMicroseconds, other.MaxMicroseconds);
    }

    /// <summary>The latency below which the given fraction of requests fell, in milliseconds (the middle of its bucket, at most the maximum).</summary>
    public double PercentileMs(double fraction)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(fraction * Count));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                var middle = (Lower(i) + Lower(i + 1)) / 2.0;
                return Math.Min(middle, MaxMicroseconds) / 1000.0;
            }
        }

        return MaxMicroseconds / 1000.0;
    }

    private static int Index(long microseconds)
    {
        if (microseconds < Exact)
        {
            return (int)microseconds;
        }

        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)microseconds); // >= 7
        var shift = exponent - 6;
        return Exact + ((exponent - 7) * SubBuckets) + (int)((microseconds >> shift) - SubBuckets);
    }

    private static long Lower(int index)
    {
        if (index < Exact)
        {
            return index;
        }

        var exponent = ((index - Exact) / SubBuckets) + 7;
        var mantissa = ((index - Exact) % SubBuckets) + SubBuckets;
        return (long)mantissa << (exponent - 6);
    }
}
