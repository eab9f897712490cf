namespace PgAllInOne.Grains.Rollups;

/// <summary>
/// Splits a range [from, to) into spans answered from a rollup of one grain (a minute or an hour) and spans read raw:
/// the unaligned edges, and every hour with changes not yet folded in (queued in <c>rollup_dirty</c>).
/// </summary>
internal static class RollupPlan
{
    private static readonly DateTimeOffset Origin = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The rollup grain that a bucket width is a whole multiple of (hour first), or null when none is.</summary>
    public static TimeSpan? GrainFor(TimeSpan bucket) =>
        bucket.Ticks % TimeSpan.TicksPerHour == 0 ? TimeSpan.FromHours(1)
        : bucket.Ticks % TimeSpan.TicksPerMinute == 0 ? TimeSpan.FromMinutes(1)
        : null;

    public static (List<(DateTimeOffset From, DateTimeOffset To)> Rollup, List<(DateTimeOffset From, DateTimeOffset To)> Raw) Split(
        DateTimeOffset from, DateTimeOffset to, TimeSpan? grain, IReadOnlySet<DateTimeOffset> dirtyHours)
    {
        var rollup = new List<(DateTimeOffset, DateTimeOffset)>();
        var raw = new List<(DateTimeOffset, DateTimeOffset)>();
        if (grain is not { } g)
        {
            raw.Add((from, to));
            return (rollup, raw);
        }

        var lo = Ceiling(from, g);
        var hi = Floor(to, g);
        if (lo >= hi)
        {
            raw.Add((from, to));
            return (rollup, raw);
        }

        Add(raw, from, lo);
        for (var hour = Floor(lo, HourSpans.Hour); hour < hi; hour += HourSpans.Hour)
        {
            var a = hour < lo ? lo : hour;
            var b = hour + HourSpans.Hour > hi ? hi : hour + HourSpans.Hour;
            Add(dirtyHours.Contains(hour) ? raw : rollup, a, b);
        }

        Add(raw, hi, to);
        return (rollup, raw);
    }

    // Appends [a, b), joined to the last span when they touch.
    private static void Add(List<(DateTimeOffset From, DateTimeOffset To)> spans, DateTimeOffset a, DateTimeOffset b)
    {
        if (a >= b)
        {
            return;
        }

        if (spans.Count > 0 && spans[^1].To == a)
        {
            spans[^1] = (spans[^1].From, b);
        }
        else
        {
            spans.Add((a, b));
        }
    }

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan grain) =>
        Origin.AddTicks((time.UtcTicks - Origin.UtcTicks) / grain.Ticks * grain.Ticks - ((time.UtcTicks - Origin.UtcTicks) % grain.Ticks < 0 ? grain.Ticks : 0));

    private static DateTimeOffset Ceiling(DateTimeOffset time, TimeSpan grain)
    {
        var floor = Floor(time, grain);
        return floor == time ? floor : floor + grain;
    }
}
