namespace PgAllInOne.GrainInterfaces.Analytics;

public static class AnalyticsGrainFactoryExtensions
{
    /// <summary>Runs an analytic query through its cache grain.</summary>
    public static Task<CachedAnalytics> QueryAnalyticsAsync(this IGrainFactory grains, AnalyticsQuery query)
    {
        var normalized = query.Normalize();
        return grains.GetGrain<IQueryCacheGrain>(normalized.CacheKey()).Get(normalized);
    }
}
