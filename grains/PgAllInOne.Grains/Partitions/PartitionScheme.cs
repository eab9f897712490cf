using System.Globalization;

namespace PgAllInOne.Grains.Partitions;

/// <summary>
/// How a range-partitioned table is cut: <c>events</c> by UTC month of <c>occurred_at</c>, <c>metrics</c> by UTC day
/// of <c>time</c>, <c>metrics_compact</c> by UTC day of <c>hour</c>; a partition is named after its period
/// (<c>events_p2026_11</c>, <c>metrics_p2026_11_22</c>, <c>metrics_compact_p2026_11_22</c>).
/// </summary>
public sealed class PartitionScheme
{
    public static readonly PartitionScheme Events = new("events", "occurred_at", monthly: true, 1);

    public static readonly PartitionScheme Metrics = new("metrics", "time", monthly: false, 2);

    /// <summary>Compacted readings (no default partition: only the maintenance job writes them, into days it creates).</summary>
    public static readonly PartitionScheme MetricsCompact = new("metrics_compact", "hour", monthly: false, 3);

    private readonly bool monthly;

    private PartitionScheme(string parent, string column, bool monthly, int lockNumber)
    {
        Parent = parent;
        Column = column;
        this.monthly = monthly;
        DdlLockKey = 0x7067_6169_6f70_7400 + lockNumber;
    }

    public string Parent { get; }

    public string Column { get; }

    public string Default => Parent + "_default";

    // A fixed number per table for the advisory lock that serializes its partition DDL across silos ("pgaiopt" + 1, 2, 3).
    internal long DdlLockKey { get; }

    private string Format => monthly ? "yyyy_MM" : "yyyy_MM_dd";

    /// <summary>The first day of the period holding <paramref name="time"/> (UTC).</summary>
    public DateOnly PeriodOf(DateTimeOffset time)
    {
        var day = DateOnly.FromDateTime(time.UtcDateTime);
        return monthly ? new DateOnly(day.Year, day.Month, 1) : day;
    }

    public DateOnly Next(DateOnly period) => monthly ? period.AddMonths(1) : period.AddDays(1);

    public string Name(DateOnly period) => Parent + "_p" + period.ToString(Format, CultureInfo.InvariantCulture);

    public bool TryParse(string partition, out DateOnly period)
    {
        period = default;
        var prefix = Parent + "_p";
        if (!partition.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var text = partition[prefix.Length..];
        if (monthly)
        {
            text += "_01";
        }

        return DateOnly.TryParseExact(text, "yyyy_MM_dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out period);
    }
}
