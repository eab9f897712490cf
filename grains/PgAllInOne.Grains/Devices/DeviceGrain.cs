using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.OrleansExtensions.DatabaseFailures;

namespace PgAllInOne.Grains.Devices;

/// <summary>One device: validates and stores its readings through the shared group-commit writer, keeps the newest value per metric.</summary>
public sealed class DeviceGrain(
    NpgsqlDataSource dataSource,
    MetricsWriter writer,
    [FromKeyedServices(DataClock.Key)] TimeProvider clock,
    [PersistentState("latest")] IPersistentState<DeviceLatestState> latestState) : Grain, IDeviceGrain
{
    // Fixed expressions only: the query names one of them, never SQL of its own.
    private static readonly Dictionary<string, string> Aggregates = new(StringComparer.Ordinal)
    {
        ["avg"] = "avg(value)",
        ["min"] = "min(value)",
        ["max"] = "max(value)",
        ["sum"] = "sum(value)",
        ["count"] = "count(*)::double precision",
        ["last"] = "(array_agg(value ORDER BY time DESC, value DESC))[1]", // of equal times, the largest: as the analytics' merge
    };

    private Dictionary<string, LatestValue> LatestByMetric => latestState.State.Metrics;

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        latestState.RecordExists ? Task.CompletedTask : DatabaseFailure.TranslatedAsync(() => ReadLatestAsync(cancellationToken));

    private async Task ReadLatestAsync(CancellationToken cancellationToken)
    {
        // No state yet: the newest values of readings stored before it existed come from the rows themselves.
        await using var command = dataSource.CreateCommand(GrainsSql.Get("Devices/LatestMetrics.sql"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = this.GetPrimaryKeyString() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            LatestByMetric[reader.GetString(0)] = new LatestValue(reader.GetString(0), reader.GetDouble(1), reader.GetFieldValue<DateTimeOffset>(2));
        }
    }

    public async Task<int> Ingest(IReadOnlyList<MetricReading> readings)
    {
        TextRules.Check(this.GetPrimaryKeyString(), "device id");
        readings = Normalize(readings);
        var now = clock.GetUtcNow();
        await writer.WriteAsync(this.GetPrimaryKeyString(), readings, now);
        foreach (var reading in readings)
        {
            var time = reading.Time ?? now;
            if (!LatestByMetric.TryGetValue(reading.Metric, out var current) || current.Time <= time)
            {
                LatestByMetric[reading.Metric] = new LatestValue(reading.Metric, reading.Value, time);
            }
        }

        await latestState.WriteStateAsync();
        return readings.Count;
    }

    public Task<IReadOnlyList<LatestValue>> Latest() =>
        Task.FromResult<IReadOnlyList<LatestValue>>(LatestByMetric.Values.OrderBy(v => v.Metric, StringComparer.Ordinal).ToList());

    public async Task<IReadOnlyList<MetricBucket>> Range(MetricRangeQuery query)
    {
        var aggregate = Aggregates[MetricRules.Aggregate(query.Aggregate)];
        MetricRules.Name(query.Metric);

        TextRules.Check(query.Metric, "metric");

        if (query.From >= query.To)
        {
            throw new ValidationException("from must be before to.");
        }

        if (query.Bucket < DeviceRules.MinBucket || (query.To - query.From) / query.Bucket > DeviceRules.MaxBuckets)
        {
            throw new ValidationException($"bucket must be at least {DeviceRules.MinBucket.TotalSeconds:0}s and give at most {DeviceRules.MaxBuckets:N0} buckets over the range.");
        }

        await using var command = dataSource.CreateCommand(GrainsSql.Get("Devices/MetricRange.sql").Replace("{aggregate}", aggregate, StringComparison.Ordinal));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = this.GetPrimaryKeyString() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.Metric });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = query.From.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = query.To.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = query.Bucket });
        var buckets = new List<MetricBucket>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            buckets.Add(new MetricBucket(reader.GetFieldValue<DateTimeOffset>(0), reader.GetDouble(1), reader.GetInt64(2)));
        }

        return buckets;
    }

    /// <summary>The readings checked, their times (any RFC 3339 offset) as the UTC instants they name.</summary>
    private static List<MetricReading> Normalize(IReadOnlyList<MetricReading> readings)
    {
        if (readings is null || readings.Count is 0 or > DeviceRules.MaxReadingsPerCall)
        {
            throw new ValidationException($"Send 1 to {DeviceRules.MaxReadingsPerCall} readings at once.");
        }

        for (var i = 0; i < readings.Count; i++)
        {
            var reading = readings[i] ?? throw new ValidationException($"readings[{i}] is missing.");
            MetricRules.Name(reading.Metric, $"readings[{i}].metric");

            if (!double.IsFinite(reading.Value))
            {
                throw new ValidationException($"readings[{i}].value must be a finite number.");
            }

            if (reading.Tags is { ValueKind: not JsonValueKind.Object and not JsonValueKind.Null and not JsonValueKind.Undefined })
            {
                throw new ValidationException($"readings[{i}].tags must be a JSON object.");
            }

            TextRules.Check(reading.Metric, $"readings[{i}].metric");
            JsonValueRules.Check(reading.Tags, $"readings[{i}].tags");
        }

        return readings.Select(r => r.Time is { } time ? r with { Time = time.ToUniversalTime() } : r).ToList();
    }
}
