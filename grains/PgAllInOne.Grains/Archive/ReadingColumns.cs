namespace PgAllInOne.Grains.Archive;

/// <summary>Up to one row group of readings, column by column (as a Parquet row group holds them).</summary>
internal sealed class ReadingColumns(int capacity)
{
    public List<DateTime> Times { get; } = new(capacity);

    public List<string> Devices { get; } = new(capacity);

    public List<string> Metrics { get; } = new(capacity);

    public List<double> Values { get; } = new(capacity);

    /// <summary>The reading's tags as the text of its jsonb value, or null.</summary>
    public List<string?> Tags { get; } = new(capacity);

    public int Count => Times.Count;

    public void Add(DateTime time, string device, string metric, double value, string? tags)
    {
        Times.Add(time);
        Devices.Add(device);
        Metrics.Add(metric);
        Values.Add(value);
        Tags.Add(tags);
    }
}
