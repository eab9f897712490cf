using Microsoft.OpenApi;
using PgAllInOne.Api.Contracts.Analytics;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Silo.Api.OpenApi;
using EventGroupRow = PgAllInOne.Api.Contracts.Analytics.EventGroupRow;
using MetricSeriesRow = PgAllInOne.Api.Contracts.Analytics.MetricSeriesRow;

namespace PgAllInOne.Silo.Api.Analytics;

/// <summary>What the analytics' endpoints accept and answer, as the OpenAPI document states it.</summary>
internal static class AnalyticsContract
{
    /// <summary>Without from, analytics look back this many days from to.</summary>
    public const int WindowDays = 30;

    public static readonly FieldRule EventGroupBy = new("What the rows are keyed by.", JsonSchemaType.String, Values: AnalyticsQuery.EventGroups, Default: $"\"{AnalyticsQuery.EventGroups[0]}\"");
    public static readonly FieldRule EventsFrom = FieldRules.Instant($"Events at or after this time; absent: {WindowDays} days before to.");
    public static readonly FieldRule EventsTo = FieldRules.Instant("Events before this time; absent: the next whole minute.");
    public static readonly FieldRule EventType = FieldRules.Text("Only events of this type.", EventRules.MaxTypeLength);
    public static readonly FieldRule Top = FieldRules.Whole("Only the groups with the most events; absent: all.", 1, AnalyticsQuery.MaxTop);

    public static readonly FieldRule Metric = FieldRules.Text("The metric's name.", MetricRules.MaxNameLength, required: true);
    public static readonly FieldRule MetricsFrom = FieldRules.Instant($"Readings at or after this time; absent: {WindowDays} days before to.");
    public static readonly FieldRule MetricsTo = FieldRules.Instant("Readings before this time; absent: the next whole minute.");

    /// <summary>The bucket width of a series that names none.</summary>
    public const string DefaultBucket = "1h";

    public static readonly FieldRule Bucket = new(
        $"The bucket width, {FieldRules.Duration}; at most {AnalyticsQuery.MaxBucketDays} days and {AnalyticsQuery.MaxBuckets} buckets over the range.", JsonSchemaType.String, Default: $"\"{DefaultBucket}\"");

    public static readonly FieldRule Aggregate = FieldRules.Aggregate;

    public static readonly FieldRule MetricGroupBy = new("device: a series per device; none: one series.", JsonSchemaType.String, Values: AnalyticsQuery.MetricGroups, Default: $"\"{AnalyticsQuery.MetricGroups[^1]}\"");

    public static readonly SchemaExample EventGroupRow = SchemaExample.For<EventGroupRow>("""{"key":"click","count":2,"firstAt":"2026-10-01T00:00:00+00:00","lastAt":"2026-10-02T00:00:00+00:00"}""");
    public static readonly SchemaExample EventAnalytics = SchemaExample.For<EventAnalyticsResponse>("""{"rows":[{"key":"click","count":2,"firstAt":"2026-10-01T00:00:00+00:00","lastAt":"2026-10-02T00:00:00+00:00"}],"computedAt":"2026-10-03T00:00:00+00:00"}""");
    public static readonly SchemaExample MetricSeriesRow = SchemaExample.For<MetricSeriesRow>("""{"bucket":"2026-10-01T00:00:00+00:00","device":"d9","value":3,"count":2}""");
    public static readonly SchemaExample MetricAnalytics = SchemaExample.For<MetricAnalyticsResponse>("""{"rows":[{"bucket":"2026-10-01T00:00:00+00:00","device":"d9","value":3,"count":2}],"computedAt":"2026-10-03T00:00:00+00:00"}""");
    public static readonly SchemaExample CacheInvalidated = SchemaExample.For<CacheInvalidated>("""{"invalidated":true}""");
}
