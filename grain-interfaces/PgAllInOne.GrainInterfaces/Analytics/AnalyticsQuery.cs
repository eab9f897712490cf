using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Users;

namespace PgAllInOne.GrainInterfaces.Analytics;

/// <summary>
/// A named, parameterized analytic query: event counts (<see cref="AnalyticsKind.Events"/>, grouped by type, day or user)
/// or metric aggregates (<see cref="AnalyticsKind.Metrics"/>, in buckets, per device or overall) over [From, To).
/// </summary>
[GenerateSerializer, Alias("pgaio.AnalyticsQuery")]
public sealed record AnalyticsQuery(
    [property: Id(0)] string Kind,
    [property: Id(1)] string GroupBy,
    [property: Id(2)] DateTimeOffset From,
    [property: Id(3)] DateTimeOffset To,
    [property: Id(4)] string? Type = null,
    [property: Id(5)] int? Top = null,
    [property: Id(6)] string? Metric = null,
    [property: Id(7)] TimeSpan? Bucket = null,
    [property: Id(8)] string? Aggregate = null)
{
    /// <summary>The most groups <see cref="Top"/> may ask for.</summary>
    public const int MaxTop = 10_000;

    /// <summary>The most buckets a metrics query may give over its range.</summary>
    public const long MaxBuckets = 100_000;

    /// <summary>The longest range [From, To) a query may cover.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(3660);

    /// <summary>The widest bucket of a metric series.</summary>
    public const int MaxBucketDays = 366;

    /// <summary>What event counts may be grouped by; the first is the default.</summary>
    public static readonly IReadOnlyList<string> EventGroups = ["type", "day", "user"];

    /// <summary>What metric series may be grouped by: a series per device, or one series; the last is the default.</summary>
    public static readonly IReadOnlyList<string> MetricGroups = ["device", "none"];

    /// <summary>Event counts in [<paramref name="from"/>, <paramref name="to"/>), grouped by type, day or user; of one type, and only the <paramref name="top"/> groups, when given.</summary>
    /// <param name="groupBy">type, day or user.</param>
    /// <param name="from">The first instant counted.</param>
    /// <param name="to">The end of the range, not counted.</param>
    /// <param name="type">Only events of this type.</param>
    /// <param name="top">Only the groups with the most events (1 to <see cref="MaxTop"/>).</param>
    public static AnalyticsQuery Events(string groupBy, DateTimeOffset from, DateTimeOffset to, string? type = null, int? top = null) =>
        new(AnalyticsKind.Events, groupBy, from, to, Type: type, Top: top);

    /// <summary>A metric aggregated per bucket in [<paramref name="from"/>, <paramref name="to"/>), per device or overall.</summary>
    /// <param name="metric">The metric's name.</param>
    /// <param name="from">The first instant aggregated.</param>
    /// <param name="to">The end of the range, not aggregated.</param>
    /// <param name="bucket">The bucket width: positive, at most 366 days, at most <see cref="MaxBuckets"/> buckets over the range.</param>
    /// <param name="aggregate">avg, min, max, sum, count or last.</param>
    /// <param name="groupBy">device (a series per device) or none.</param>
    public static AnalyticsQuery Metrics(string metric, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, string aggregate = MetricRules.DefaultAggregate, string groupBy = "none") =>
        new(AnalyticsKind.Metrics, groupBy, from, to, Metric: metric, Bucket: bucket, Aggregate: aggregate);

    /// <summary>The query checked, with names in lower case and the fields of the other kind dropped; throws <see cref="ValidationException"/>.</summary>
    public AnalyticsQuery Normalize()
    {
        if (From >= To || To - From > MaxRange)
        {
            throw new ValidationException($"from must be before to, and the range at most {MaxRange.TotalDays:0} days.");
        }

        var from = From.ToUniversalTime();
        var to = To.ToUniversalTime();
        switch (Kind?.ToLowerInvariant())
        {
            case AnalyticsKind.Events:
                var groupBy = OneOf(GroupBy, EventGroups, "groupBy");
                if (Top is < 1 or > MaxTop)
                {
                    throw new ValidationException($"top must be 1-{MaxTop}.");
                }

                if (Type is { Length: 0 or > EventRules.MaxTypeLength })
                {
                    throw new ValidationException($"type must be 1-{EventRules.MaxTypeLength} characters when given.");
                }

                TextRules.Check(Type, "type");

                return new AnalyticsQuery(AnalyticsKind.Events, groupBy, from, to, Type, Top);
            case AnalyticsKind.Metrics:
                MetricRules.Name(Metric);

                TextRules.Check(Metric, "metric");

                if (Bucket is not { } bucket || bucket <= TimeSpan.Zero || bucket > TimeSpan.FromDays(MaxBucketDays) || (to - from).Ticks / bucket.Ticks > MaxBuckets)
                {
                    throw new ValidationException($"bucket must be positive, at most {MaxBucketDays} days, and give at most {MaxBuckets} buckets over the range.");
                }

                return new AnalyticsQuery(AnalyticsKind.Metrics, OneOf(GroupBy ?? "none", MetricGroups, "groupBy"), from, to, Metric: Metric, Bucket: bucket, Aggregate: MetricRules.Aggregate(Aggregate ?? MetricRules.DefaultAggregate));
            default:
                throw new ValidationException("kind must be events or metrics.");
        }
    }

    /// <summary>The cache key of a normalized query: equal queries, equal keys.</summary>
    public string CacheKey()
    {
        var text = string.Join(
            '\n',
            Kind,
            GroupBy,
            From.UtcTicks.ToString(CultureInfo.InvariantCulture),
            To.UtcTicks.ToString(CultureInfo.InvariantCulture),
            Type ?? "\0",
            Top?.ToString(CultureInfo.InvariantCulture) ?? "\0",
            Metric ?? "\0",
            Bucket?.Ticks.ToString(CultureInfo.InvariantCulture) ?? "\0",
            Aggregate ?? "\0");
        return Kind + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string OneOf(string? value, IReadOnlyList<string> allowed, string name)
    {
        var lower = value?.ToLowerInvariant();
        return allowed.Contains(lower) ? lower! : throw new ValidationException($"{name} must be one of {string.Join(", ", allowed)}.");
    }
}
