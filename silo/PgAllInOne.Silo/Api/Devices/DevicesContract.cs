using Microsoft.OpenApi;
using PgAllInOne.Api.Contracts.Devices;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.Silo.Api.OpenApi;
using LatestValue = PgAllInOne.Api.Contracts.Devices.LatestValue;
using MetricBucket = PgAllInOne.Api.Contracts.Devices.MetricBucket;

namespace PgAllInOne.Silo.Api.Devices;

/// <summary>What the devices' endpoints accept and answer, as the OpenAPI document and the problem details state it.</summary>
internal static class DevicesContract
{
    private const string Reading = "a reading object {metric, value, time?, tags?}";

    public static readonly FieldRule Id = FieldRules.Key("The device's id", DeviceRules.MaxIdLength);

    public static readonly BodyContract Readings = new(typeof(MetricReadingRequest[]), nameof(MetricReadingRequest), $"an array of 1 to {DeviceRules.MaxReadingsPerCall} reading objects {{metric, value, time?, tags?}}", new Dictionary<string, FieldRule>(StringComparer.Ordinal)
    {
        ["metric"] = FieldRules.Text("The metric's name.", MetricRules.MaxNameLength, required: true, example: "\"temp\""),
        ["value"] = new("A finite number.", JsonSchemaType.Number, Format: "double", Required: true, Example: "20.5"),
        ["time"] = FieldRules.Instant("When it was read; absent: when it is stored.", "\"2026-10-01T12:00:00Z\""),
        ["tags"] = FieldRules.Object("A JSON object.", """{"room":"a"}""", form: "a JSON object of strings"),
    }, """{"metric":"temp","value":20.5,"time":"2026-10-01T12:00:00Z","tags":{"room":"a"}}""", Reading);

    /// <summary>The bounds of the readings' array, which its generated schema does not state.</summary>
    public static readonly RequestBodyDescription ReadingsBounds = new(
        $"1 to {DeviceRules.MaxReadingsPerCall} readings; all are stored or none.",
        (body, _) =>
        {
            foreach (var array in body.Content?.Values.Select(c => c.Schema).OfType<OpenApiSchema>() ?? [])
            {
                (array.MinItems, array.MaxItems) = (1, DeviceRules.MaxReadingsPerCall);
            }
        });

    public static readonly FieldRule Metric = FieldRules.Text("The metric's name.", MetricRules.MaxNameLength, required: true);
    public static readonly FieldRule From = FieldRules.Instant("Readings at or after this time; absent: one day before to.");
    public static readonly FieldRule To = FieldRules.Instant("Readings before this time; absent: now.");

    /// <summary>The bucket width of a range that names none.</summary>
    public const string DefaultBucket = "1m";

    public static readonly FieldRule Bucket = new(
        $"The bucket width, {FieldRules.Duration}; at least {DeviceRules.MinBucket.TotalSeconds:0}s and at most {DeviceRules.MaxBuckets} buckets over the range.", JsonSchemaType.String, Default: $"\"{DefaultBucket}\"");

    public static readonly FieldRule Aggregate = FieldRules.Aggregate;

    public static readonly SchemaExample LatestValue = SchemaExample.For<LatestValue>("""{"metric":"temp","value":21.5,"time":"2026-10-01T12:00:50+00:00"}""");
    public static readonly SchemaExample MetricBucket = SchemaExample.For<MetricBucket>("""{"start":"2026-10-01T12:00:00+00:00","value":21,"count":2}""");
}
