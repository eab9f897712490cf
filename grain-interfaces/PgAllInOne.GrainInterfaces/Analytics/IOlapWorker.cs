using System.Collections.Immutable;

namespace PgAllInOne.GrainInterfaces.Analytics;

/// <summary>Aggregates one time slice (one partition, or a few) of a normalized query; a stateless worker: any key.</summary>
[Alias("pgaio.IOlapWorker")]
public interface IOlapWorker : IGrainWithStringKey
{
    /// <summary>Event counts of one slice [<paramref name="sliceFrom"/>, <paramref name="sliceTo"/>) of an events query, to be merged with the other slices'.</summary>
    [ReadOnly]
    Task<ImmutableArray<EventGroupRow>> AggregateEvents(AnalyticsQuery query, DateTimeOffset sliceFrom, DateTimeOffset sliceTo);

    /// <summary>Partial metric aggregates (count, sum, min, max, last) of one slice [<paramref name="sliceFrom"/>, <paramref name="sliceTo"/>) of a metrics query, to be merged with the other slices'.</summary>
    [ReadOnly]
    Task<ImmutableArray<MetricPartial>> AggregateMetrics(AnalyticsQuery query, DateTimeOffset sliceFrom, DateTimeOffset sliceTo);
}
