using System.Buffers;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using PgAllInOne.GrainInterfaces.Analytics;

namespace PgAllInOne.Grains.Analytics;

/// <summary>Merges the slices' partial aggregates: counts and sums add, minima, maxima and the newest readings compare, avg is sum / count.</summary>
internal static class PartialMerge
{
    private static readonly Comparer<EventGroupRow> OrdinalKeyOrder = Comparer<EventGroupRow>.Create(static (a, b) => string.CompareOrdinal(a.Key, b.Key));

    public static ImmutableArray<EventGroupRow> Events(AnalyticsQuery query, IReadOnlyList<ImmutableArray<EventGroupRow>> slices)
    {
        // One slice (the default): its groups are distinct already, nothing to merge.
        var rows = slices.Count == 1 ? slices[0].ToArray() : [.. MergeGroups(slices).Values];

        // Most events first (ties by key); by day, the days in order.
        SortByCountThenKey(rows);
        var kept = query.Top is { } top && top < rows.Length ? rows[..top] : rows;
        if (query.GroupBy == "day")
        {
            Array.Sort(kept, OrdinalKeyOrder);
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(kept);
    }

    // Sorted on one 128-bit number per group, as PostgreSQL sorts on abbreviated keys: the count (inverted, so that the
    // most events come first) above the key's first four characters. The runtime compares such numbers without a
    // comparer's call; only groups equal in both (keys sharing their first four characters) are then put in the order of
    // their whole keys. A comparer over the records took a millisecond and more for the 5,000 groups of events by user,
    // this a third of that. The numbers are pooled: 5,000 of them would be a large-object allocation per query.
    private static void SortByCountThenKey(EventGroupRow[] rows)
    {
        var keys = ArrayPool<UInt128>.Shared.Rent(rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            keys[i] = new UInt128((ulong)(long.MaxValue - rows[i].Count), PrefixOf(rows[i].Key));
        }

        Array.Sort(keys, rows, 0, rows.Length);
        for (var run = 0; run < rows.Length;)
        {
            var next = run + 1;
            while (next < rows.Length && keys[next] == keys[run])
            {
                next++;
            }

            if (next - run > 1)
            {
                Array.Sort(rows, run, next - run, OrdinalKeyOrder);
            }

            run = next;
        }

        ArrayPool<UInt128>.Shared.Return(keys);
    }

    // The first four UTF-16 code units, high first, zeros after a shorter key: ordered as the keys ordinally are, but for
    // keys equal in these (a key and the same key with NULs after it among them).
    private static ulong PrefixOf(string key)
    {
        var prefix = 0UL;
        for (var i = 0; i < 4; i++)
        {
            prefix = (prefix << 16) | (i < key.Length ? key[i] : 0UL);
        }

        return prefix;
    }

    private static Dictionary<string, EventGroupRow> MergeGroups(IReadOnlyList<ImmutableArray<EventGroupRow>> slices)
    {
        var groups = new Dictionary<string, EventGroupRow>(StringComparer.Ordinal);
        foreach (var row in slices.SelectMany(s => s))
        {
            groups[row.Key] = groups.TryGetValue(row.Key, out var seen)
                ? new EventGroupRow(row.Key, seen.Count + row.Count, Min(seen.FirstAt, row.FirstAt), Max(seen.LastAt, row.LastAt))
                : row;
        }

        return groups;
    }

    public static ImmutableArray<MetricSeriesRow> Metrics(AnalyticsQuery query, IReadOnlyList<ImmutableArray<MetricPartial>> slices)
    {
        if (slices.Count == 1)
        {
            // One slice (the default): its buckets are distinct and in order already (RollupReader answers by bucket,
            // then device), nothing to merge.
            return [.. slices[0].Select(b => new MetricSeriesRow(b.Bucket, b.Device, Value(query.Aggregate, b), b.Count))];
        }

        var buckets = new Dictionary<(DateTimeOffset, string?), MetricPartial>();
        foreach (var part in slices.SelectMany(s => s))
        {
            var key = (part.Bucket, part.Device);
            buckets[key] = buckets.TryGetValue(key, out var seen)
                ? new MetricPartial(part.Bucket, part.Device, seen.Count + part.Count, seen.Sum + part.Sum, Math.Min(seen.Min, part.Min), Math.Max(seen.Max, part.Max))
                {
                    Last = Newer(seen, part).Last,
                    LastAt = Newer(seen, part).LastAt,
                }
                : part;
        }

        return
        [
            .. buckets.Values
                .OrderBy(b => b.Bucket)
                .ThenBy(b => b.Device, StringComparer.Ordinal)
                .Select(b => new MetricSeriesRow(b.Bucket, b.Device, Value(query.Aggregate, b), b.Count)),
        ];
    }

    /// <summary>The asked aggregate of a merged bucket.</summary>
    public static double Value(string? aggregate, MetricPartial bucket) => aggregate switch
    {
        "min" => bucket.Min,
        "max" => bucket.Max,
        "sum" => bucket.Sum,
        "count" => bucket.Count,
        "last" => bucket.Last,
        _ => bucket.Sum / bucket.Count,
    };

    // The newest reading of two partials; of equal times the larger value, as the SQL's ORDER BY time DESC, value DESC.
    private static MetricPartial Newer(MetricPartial a, MetricPartial b) =>
        a.LastAt > b.LastAt || (a.LastAt == b.LastAt && a.Last >= b.Last) ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
