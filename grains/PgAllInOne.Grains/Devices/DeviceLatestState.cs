using PgAllInOne.GrainInterfaces.Devices;

namespace PgAllInOne.Grains.Devices;

/// <summary>A device's newest value per metric: grain state (JSONB in grain_state), not a domain row.</summary>
public sealed class DeviceLatestState
{
    public Dictionary<string, LatestValue> Metrics { get; set; } = new(StringComparer.Ordinal);
}
