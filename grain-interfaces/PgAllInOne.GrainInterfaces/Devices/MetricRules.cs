using PgAllInOne.GrainInterfaces.Errors;

namespace PgAllInOne.GrainInterfaces.Devices;

/// <summary>The one rule for metric names and aggregates: the same when readings are stored, ranged per device, or analysed.</summary>
public static class MetricRules
{
    /// <summary>Longest metric name, in characters.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The aggregates of a bucket: <c>last</c> is the newest reading's value (of equal times, the largest).</summary>
    public static readonly IReadOnlyList<string> Aggregates = ["avg", "min", "max", "sum", "count", "last"];

    /// <summary>The aggregate of a bucket when none is named.</summary>
    public const string DefaultAggregate = "avg";

    /// <summary>The metric name when it is 1–<see cref="MaxNameLength"/> characters and not blank; else a <see cref="ValidationException"/> naming <paramref name="field"/>.</summary>
    public static string Name(string? metric, string field = "metric") =>
        string.IsNullOrWhiteSpace(metric) || metric.Length > MaxNameLength
            ? throw new ValidationException($"{field} must be 1-{MaxNameLength} characters, not blank.")
            : metric;

    /// <summary>The aggregate in lower case when it is one of <see cref="Aggregates"/>; else a <see cref="ValidationException"/>.</summary>
    public static string Aggregate(string? aggregate)
    {
        var lower = aggregate?.ToLowerInvariant();
        return lower is not null && Aggregates.Contains(lower) ? lower : throw new ValidationException($"agg must be one of {string.Join(", ", Aggregates)}.");
    }
}
