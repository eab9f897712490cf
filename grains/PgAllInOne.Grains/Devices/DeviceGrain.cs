using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Grains.Analytics;
using PgAllInOne.Grains.Rollups;
using PgAllInOne.OrleansExtensions.DatabaseFailures;

namespace PgAllInOne.Grains.Devices;

/// <summary>One device: validates and stores its readings through the shared group-commit writer, keeps the newest value per metric.</summary>
public sealed class DeviceGrain(
    NpgsqlDataSource dataSource,
    MetricsWriter writer,
    [FromKeyedServices(DataClock.Key)] TimeProvider clock,
    [PersistentState("latest")] IPersistentState<DeviceLatestState> latestState) : Grain, IDeviceGrain
{
    private bool latestBehind;

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
            Keep(new LatestValue(reading.Metric, reading.Value, reading.Time ?? now));
        }

        await SaveLatestAsync();
        return readings.Count;
    }

    // The newest values sum up readings that are stored: failing to save them must not fail the call (its caller would
    // retry and store the readings twice). They are kept in memory and saved with the next readings, merged with what is
    // stored then, whose version may have moved on under a save whose answer was lost.
    private async Task SaveLatestAsync()
    {
        try
        {
            if (latestBehind)
            {
                var kept = LatestByMetric.Values.ToList();
                await latestState.ReadStateAsync();
                kept.ForEach(Keep);
            }

            await latestState.WriteStateAsync();
            latestBehind = false;
        }
        catch (Exception exception) when (exception is InconsistentStateException || DatabaseFailure.IsTransientWithin(exception) || DatabaseFailure.IsOutcomeUnknownWithin(exception))
        {
            latestBehind = true;
        }
    }

    private void Keep(LatestValue value)
    {
        if (!LatestByMetric.TryGetValue(value.Metric, out var current) || current.Time <= value.Time)
        {
            LatestByMetric[value.Metric] = value;
        }
    }

    public Task<IReadOnlyList<LatestValue>> Latest() =>
        Task.FromResult<IReadOnlyList<LatestValue>>(LatestByMetric.Values.OrderBy(v => v.Metric, StringComparer.Ordinal).ToList());

    public async Task<IReadOnlyList<MetricBucket>> Range(MetricRangeQuery query)
    {
        var aggregate = MetricRules.Aggregate(query.Aggregate);
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

        // Aligned buckets from the minute or hour rollups, the unaligned edges and the hours not yet folded in raw.
        var partials = await RollupReader.MetricBucketsAsync(
            dataSource, query.Metric, this.GetPrimaryKeyString(), perDevice: false, withLast: aggregate == "last", query.From.ToUniversalTime(), query.To.ToUniversalTime(), query.Bucket);
        var buckets = partials.Select(p => new MetricBucket(p.Bucket, PartialMerge.Value(aggregate, p), p.Count)).ToList();
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
