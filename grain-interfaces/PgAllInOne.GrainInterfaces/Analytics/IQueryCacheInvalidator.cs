namespace PgAllInOne.GrainInterfaces.Analytics;

/// <summary>Drops every cached analytic result on every silo, and in Redis (a stateless worker: any key).</summary>
[Alias("pgaio.IQueryCacheInvalidator")]
public interface IQueryCacheInvalidator : IGrainWithStringKey
{
    Task Invalidate();
}
