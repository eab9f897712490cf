using System.Collections.Immutable;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Analytics;
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
        await using var command = dataSource.CreateCommand(GrainsSql.Get("Analytics/EventPartials.sql"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.GroupBy });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = sliceFrom });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = sliceTo });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.Type ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var rows = ImmutableArray.CreateBuilder<EventGroupRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new EventGroupRow(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return rows.DrainToImmutable();
    }

    private static async Task<ImmutableArray<MetricPartial>> AggregateMetricsAsync(NpgsqlDataSource dataSource, AnalyticsQuery query, DateTimeOffset sliceFrom, DateTimeOffset sliceTo)
    {
        await using var command = dataSource.CreateCommand(GrainsSql.Get("Analytics/MetricPartials.sql"));
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = query.Bucket!.Value });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = query.GroupBy == "device" });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.Metric! });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = sliceFrom });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = sliceTo });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = query.Aggregate == "last" });
        var rows = ImmutableArray.CreateBuilder<MetricPartial>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new MetricPartial(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetInt64(2),
                reader.GetDouble(3),
                reader.GetDouble(4),
                reader.GetDouble(5),
                reader.IsDBNull(6) ? 0 : reader.GetDouble(6),
                reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return rows.DrainToImmutable();
    }
}
