using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PgAllInOne.Api.Contracts;
using PgAllInOne.Api.Contracts.Devices;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Silo.Api.OpenApi;
using PgAllInOne.Silo.Auth;
using LatestValue = PgAllInOne.Api.Contracts.Devices.LatestValue;
using MetricBucket = PgAllInOne.Api.Contracts.Devices.MetricBucket;

namespace PgAllInOne.Silo.Api.Devices;

public static class DevicesApi
{
    public static RouteGroupBuilder MapDevicesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/devices").WithTags("Devices").RequireAuthorization(ApiRoles.Reader)
            .WithParameter("id", DevicesContract.Id);
        group.MapPost("/{id}/metrics", IngestAsync).RequireAuthorization(ApiRoles.Writer).WithIdempotencyKey()
            .WithBody(DevicesContract.Readings)
            .WithRequestBodyDescription(DevicesContract.ReadingsBounds)
            .WithExamples(AcceptedCountExample.Example);
        group.MapGet("/{id}/latest", LatestAsync)
            .WithExamples(DevicesContract.LatestValue);
        group.MapGet("/{id}/metrics", RangeAsync)
            .WithParameter("metric", DevicesContract.Metric)
            .WithParameter("from", DevicesContract.From)
            .WithParameter("to", DevicesContract.To)
            .WithParameter("bucket", DevicesContract.Bucket)
            .WithParameter("agg", DevicesContract.Aggregate)
            .WithExamples(DevicesContract.MetricBucket);
        return group;
    }

    private static async Task<Accepted<AcceptedCount>> IngestAsync(string id, MetricReadingRequest[] readings, [FromHeader(Name = IdempotencyHeader.Name)] string? idempotencyKey, HttpContext context, IGrainFactory grains)
    {
        var key = IdempotencyHeader.Read(idempotencyKey, context);
        if (readings is null || readings.Length is 0 or > DeviceRules.MaxReadingsPerCall)
        {
            throw new ValidationException($"Send 1 to {DeviceRules.MaxReadingsPerCall} readings at once.");
        }

        var valid = readings.Select((r, i) => r is null
            ? throw new ValidationException($"readings[{i}] must be an object.")
            : new MetricReading(r.Metric ?? "", r.Value ?? throw new ValidationException($"readings[{i}].value is required."), r.Time, r.Tags)).ToList();
        var accepted = await Device(grains, id).Ingest(valid, key);
        return TypedResults.Accepted($"/api/devices/{Uri.EscapeDataString(id)}/latest", new AcceptedCount(accepted)); // a header holds ASCII only
    }

    private static async Task<Ok<IReadOnlyList<LatestValue>>> LatestAsync(string id, IGrainFactory grains) =>
        TypedResults.Ok<IReadOnlyList<LatestValue>>((await Device(grains, id).Latest()).Select(l => l.ToResponse()).ToList());

    private static async Task<Ok<IReadOnlyList<MetricBucket>>> RangeAsync(
        string id, string? metric, DateTimeOffset? from, DateTimeOffset? to, string? bucket, string? agg, IGrainFactory grains)
    {
        var end = to ?? DateTimeOffset.UtcNow;
        var query = new MetricRangeQuery(metric ?? "", from ?? end.AddDays(-1), end, HttpInput.Duration(bucket, "bucket", DevicesContract.DefaultBucket), agg ?? MetricRules.DefaultAggregate);
        return TypedResults.Ok<IReadOnlyList<MetricBucket>>((await Device(grains, id).Range(query)).Select(b => b.ToResponse()).ToList());
    }

    private static IDeviceGrain Device(IGrainFactory grains, string id) => grains.GetGrain<IDeviceGrain>(HttpInput.Key(id, "device id", DeviceRules.MaxIdLength));
}
