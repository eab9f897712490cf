using PgAllInOne.GrainInterfaces.Analytics;

namespace PgAllInOne.Grains.Analytics;

[StatelessWorker(1)]
public sealed class QueryCacheInvalidator(QueryCacheGeneration generations) : Grain, IQueryCacheInvalidator
{
    public Task Invalidate() => generations.InvalidateAsync(CancellationToken.None);
}
