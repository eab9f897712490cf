using System.Collections.Immutable;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.Grains.Rollups;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains.Analytics;

/// <summary>Aggregates one slice of a query next to its caller; several run at once, each on its own connection, on a standby when one is close enough.</summary>
[StatelessWorker(4)]
public sealed class OlapWorker(StandbyReads reads) : Grain, IOlapWorker
{
    public Task<ImmutableArray<EventGroupRow>> AggregateEvents(AnalyticsQuery query, DateTimeOffset sliceFrom, DateTimeOffset sliceTo) =>
        reads.ReadAsync(dataSource => AggregateEventsAsync(dataSource, query, sliceFrom, sliceTo));

    public Task<ImmutableArray<MetricPartial>> AggregateMetrics(AnalyticsQuery query, DateTimeOffset sliceFrom, DateTimeOffset sliceTo) =>
        reads.ReadAsync(dataSource => AggregateMetricsAsync(dataSource, query, sliceFrom, sliceTo));

    private static async Task<ImmutableArray<EventGroupRow>> AggregateEventsAsync(NpgsqlDataSource dataSource, AnalyticsQuery query, DateTimeOffset sliceFrom, DateTimeOffset sliceTo)
    {
        // By type or day: whole hours from the rollup of events per type and hour, the rest raw.
        if (query.GroupBy != "user")
        {
            return await RollupReader.EventGroupsAsync(dataSource, query.GroupBy, query.Type, sliceFrom, sliceTo);
        }

        var rows = await RollupSnapshot.ReadAsync(
            dataSource,
            "Rollups/LockEventSources.sql",
            source: null,
            sliceFrom,
            sliceTo,
            _ =>
            {
                var command = new NpgsqlBatchCommand(GrainsSql.Get("Analytics/EventsByUser.sql"));
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = sliceFrom });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = sliceTo });
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.Type ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                return [command];
            },
            reader => new EventGroupRow(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3)),
            CancellationToken.None);
        return [.. rows];
    }

    // Aligned buckets from the minute or hour rollups, the rest raw.
    private static Task<ImmutableArray<MetricPartial>> AggregateMetricsAsync(NpgsqlDataSource dataSource, AnalyticsQuery query, DateTimeOffset sliceFrom, DateTimeOffset sliceTo) =>
        RollupReader.MetricBucketsAsync(dataSource, query.Metric!, device: null, perDevice: query.GroupBy == "device", withLast: query.Aggregate == "last", sliceFrom, sliceTo, query.Bucket!.Value);
}
