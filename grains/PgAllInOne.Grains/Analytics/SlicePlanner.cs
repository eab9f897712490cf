using PgAllInOne.GrainInterfaces.Analytics;

namespace PgAllInOne.Grains.Analytics;

/// <summary>
/// Cuts a query's range at partition boundaries (months for events, days for metrics) so that each slice reads
/// whole partitions only, then joins neighbours until there are at most <c>maxSlices</c>.
/// </summary>
internal static class SlicePlanner
{
    public static List<(DateTimeOffset From, DateTimeOffset To)> Plan(AnalyticsQuery query, int maxSlices)
    {
        var cuts = new List<DateTimeOffset> { query.From };
        for (var boundary = NextBoundary(query.Kind, query.From); boundary < query.To; boundary = NextBoundary(query.Kind, boundary))
        {
            cuts.Add(boundary);
        }

        cuts.Add(query.To);
        var partitions = cuts.Count - 1;
        var slices = Math.Min(partitions, maxSlices);
        var result = new List<(DateTimeOffset, DateTimeOffset)>(slices);
        for (var i = 0; i < slices; i++)
        {
            result.Add((cuts[i * partitions / slices], cuts[(i + 1) * partitions / slices]));
        }

        return result;
    }

    private static DateTimeOffset NextBoundary(string kind, DateTimeOffset after)
    {
        var utc = after.UtcDateTime;
        return kind == AnalyticsKind.Events
            ? new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1)
            : new DateTimeOffset(utc.Date, TimeSpan.Zero).AddDays(1);
    }
}
