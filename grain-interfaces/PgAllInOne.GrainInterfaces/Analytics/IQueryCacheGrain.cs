namespace PgAllInOne.GrainInterfaces.Analytics;

/// <summary>
/// One cached analytic query (key: <see cref="AnalyticsQuery.CacheKey"/> of the normalized query). Computes on a miss by
/// fanning out to OLAP workers and keeps the result for a TTL; one request at a time, so identical requests compute once.
/// </summary>
[Alias("pgaio.IQueryCacheGrain")]
public interface IQueryCacheGrain : IGrainWithStringKey
{
    /// <summary>The result of the normalized <paramref name="query"/>: cached, or computed now (throws <see cref="Errors.ValidationException"/> when the query does not belong to this key).</summary>
    Task<CachedAnalytics> Get(AnalyticsQuery query);
}
