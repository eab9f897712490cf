using System.Globalization;

namespace PgAllInOne.Cli.Output;

/// <summary>Human-readable numbers, times and durations, always in the invariant culture so that output is the same everywhere.</summary>
public static class Format
{
    public static string Number(double value, int decimals = 1) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Whole(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Megabytes(long bytes) => Number(bytes / (1024.0 * 1024.0));

    /// <summary>"3d 4h", "2h 5m", "4m 10s", "12.3s", "850ms": the two largest units are enough to read an age at a glance.</summary>
    public static string Duration(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            value = TimeSpan.Zero;
        }

        return value switch
        {
            { TotalDays: >= 1 } => $"{(int)value.TotalDays}d {value.Hours}h",
            { TotalHours: >= 1 } => $"{value.Hours}h {value.Minutes}m",
            { TotalMinutes: >= 1 } => $"{value.Minutes}m {value.Seconds}s",
            { TotalSeconds: >= 1 } => Number(value.TotalSeconds) + "s",
            _ => Whole((long)value.TotalMilliseconds) + "ms",
        };
    }
}
