namespace PgAllInOne.GrainInterfaces.Analytics;

/// <summary>Drops every cached analytic result on every silo, and in Redis (a stateless worker: any key).</summary>
[Alias("pgaio.IQueryCacheInvalidator")]
public interface IQueryCacheInvalidator : IGrainWithStringKey
{
    /// <summary>Drops every cached result; the next request of each query computes it again.</summary>
    Task Invalidate();
}
