namespace PgAllInOne.GrainInterfaces.Analytics;

/// <summary>Analytic queries from any <see cref="IGrainFactory"/> (a cluster client, or a grain).</summary>
public static class AnalyticsGrainFactoryExtensions
{
    /// <summary>Runs an analytic query through its cache grain.</summary>
    public static Task<CachedAnalytics> QueryAnalyticsAsync(this IGrainFactory grains, AnalyticsQuery query)
    {
        var normalized = query.Normalize();
        return grains.GetGrain<IQueryCacheGrain>(normalized.CacheKey()).Get(normalized);
    }
}
