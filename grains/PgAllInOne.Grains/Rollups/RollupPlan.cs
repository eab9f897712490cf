namespace PgAllInOne.Grains.Rollups;

/// <summary>
/// Splits a range [from, to) into spans answered from the hour rollup, spans answered from the minute rollup and spans
/// read raw. Whole hours come from the hour rollup when the bucket is a whole number of hours; the minute-aligned rest
/// of an hour (the range's edges, or every hour when the bucket is a whole number of minutes) from the minute rollup
/// where there is one; the sub-minute edges, and every hour with changes not yet folded in (queued in
/// <c>rollup_dirty</c>), raw.
/// </summary>
internal static class RollupPlan
{
    private static readonly DateTimeOffset Origin = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>The rollup grain that a bucket width is a whole multiple of (hour first), or null when none is.</summary>
    public static TimeSpan? GrainFor(TimeSpan bucket) =>
        bucket.Ticks % TimeSpan.TicksPerHour == 0 ? TimeSpan.FromHours(1)
        : bucket.Ticks % TimeSpan.TicksPerMinute == 0 ? Minute
        : null;

    /// <summary>
    /// The spans of [<paramref name="from"/>, <paramref name="to"/>) for buckets of <paramref name="grain"/> (see
    /// <see cref="GrainFor"/>; null: all raw), with <paramref name="queuedHours"/> raw; without
    /// <paramref name="minuteRollup"/> (events have none) what is not a whole hour is raw too.
    /// </summary>
    public static RollupSpans Split(DateTimeOffset from, DateTimeOffset to, TimeSpan? grain, IReadOnlySet<DateTimeOffset> queuedHours, bool minuteRollup = true)
    {
        var spans = new RollupSpans([], [], []);
        var finest = minuteRollup ? Minute : HourSpans.Hour;
        var lo = Ceiling(from, finest);
        var hi = Floor(to, finest);
        if (grain is null || lo >= hi)
        {
            Add(spans.Raw, from, to);
            return spans;
        }

        Add(spans.Raw, from, lo);
        for (var hour = Floor(lo, HourSpans.Hour); hour < hi; hour += HourSpans.Hour)
        {
            var a = hour < lo ? lo : hour;
            var b = hour + HourSpans.Hour > hi ? hi : hour + HourSpans.Hour;
            var whole = a == hour && b == hour + HourSpans.Hour && grain == HourSpans.Hour;
            Add(queuedHours.Contains(hour) ? spans.Raw : whole ? spans.Hours : spans.Minutes, a, b);
        }

        Add(spans.Raw, hi, to);
        return spans;
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

/// <summary>The spans of a range by where they are read from, each in order and joined where they touch.</summary>
internal sealed record RollupSpans(List<(DateTimeOffset From, DateTimeOffset To)> Hours, List<(DateTimeOffset From, DateTimeOffset To)> Minutes, List<(DateTimeOffset From, DateTimeOffset To)> Raw);
