namespace PgAllInOne.GrainInterfaces.Devices;

/// <summary>The limits of <see cref="IDeviceGrain"/>'s readings and ranges, which the HTTP facade states.</summary>
public static class DeviceRules
{
    /// <summary>Longest device id, in characters.</summary>
    public const int MaxIdLength = 200;

    /// <summary>Most readings one call stores; all are stored or none.</summary>
    public const int MaxReadingsPerCall = 10_000;

    /// <summary>The narrowest bucket of a range.</summary>
    public static readonly TimeSpan MinBucket = TimeSpan.FromSeconds(1);

    /// <summary>Most buckets of one range.</summary>
    public const int MaxBuckets = 100_000;
}
