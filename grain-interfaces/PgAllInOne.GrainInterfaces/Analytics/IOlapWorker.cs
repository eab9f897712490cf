using System.Collections.Immutable;

namespace PgAllInOne.GrainInterfaces.Analytics;

/// <summary>Aggregates one time slice (one partition, or a few) of a normalized query; a stateless worker: any key.</summary>
[Alias("pgaio.IOlapWorker")]
public interface IOlapWorker : IGrainWithStringKey
{
    [ReadOnly]
    Task<ImmutableArray<EventGroupRow>> AggregateEvents(AnalyticsQuery query, DateTimeOffset sliceFrom, DateTimeOffset sliceTo);

    [ReadOnly]
    Task<ImmutableArray<MetricPartial>> AggregateMetrics(AnalyticsQuery query, DateTimeOffset sliceFrom, DateTimeOffset sliceTo);
}
