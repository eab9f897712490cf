namespace PgAllInOne.Grains.Rollups;

/// <summary>Runs of consecutive whole hours as [start, end) spans, so that a statement reads each partition once.</summary>
internal static class HourSpans
{
    public static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    public static (DateTimeOffset[] Starts, DateTimeOffset[] Ends) Of(IEnumerable<DateTimeOffset> hours)
    {
        var starts = new List<DateTimeOffset>();
        var ends = new List<DateTimeOffset>();
        foreach (var hour in hours.Order())
        {
            if (ends.Count > 0 && ends[^1] == hour)
            {
                ends[^1] = hour + Hour;
            }
            else
            {
                starts.Add(hour);
                ends.Add(hour + Hour);
            }
        }

        return ([.. starts], [.. ends]);
    }
}
