using PgAllInOne.GrainInterfaces.Analytics;

namespace PgAllInOne.Grains.Analytics;

/// <summary>A cache entry's last result and the cluster's cache generation it was computed in (grain state, not a domain row).</summary>
public sealed class CachedResultState
{
    public AnalyticsResult? Result { get; set; }

    public long Generation { get; set; }
}
