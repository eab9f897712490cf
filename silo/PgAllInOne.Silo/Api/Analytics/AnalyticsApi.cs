using Microsoft.AspNetCore.Http.HttpResults;
using PgAllInOne.Api.Contracts.Analytics;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.Silo.Api.OpenApi;
using PgAllInOne.Silo.Auth;
using EventGroupRow = PgAllInOne.Api.Contracts.Analytics.EventGroupRow;
using MetricSeriesRow = PgAllInOne.Api.Contracts.Analytics.MetricSeriesRow;

namespace PgAllInOne.Silo.Api.Analytics;

public static class AnalyticsApi
{
    public static RouteGroupBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics").RequireAuthorization(ApiRoles.Reader);
        group.MapGet("/events", EventsAsync)
            .WithParameter("groupBy", AnalyticsContract.EventGroupBy)
            .WithParameter("from", AnalyticsContract.EventsFrom)
            .WithParameter("to", AnalyticsContract.EventsTo)
            .WithParameter("type", AnalyticsContract.EventType)
            .WithParameter("top", AnalyticsContract.Top)
            .WithExamples(AnalyticsContract.EventAnalytics, AnalyticsContract.EventGroupRow);
        group.MapGet("/metrics", MetricsAsync)
            .WithParameter("metric", AnalyticsContract.Metric)
            .WithParameter("from", AnalyticsContract.MetricsFrom)
            .WithParameter("to", AnalyticsContract.MetricsTo)
            .WithParameter("bucket", AnalyticsContract.Bucket)
            .WithParameter("agg", AnalyticsContract.Aggregate)
            .WithParameter("groupBy", AnalyticsContract.MetricGroupBy)
            .WithExamples(AnalyticsContract.MetricAnalytics, AnalyticsContract.MetricSeriesRow);
        group.MapPost("/cache/invalidate", InvalidateAsync).RequireAuthorization(ApiRoles.Writer)
            .WithExamples(AnalyticsContract.CacheInvalidated);
        return group;
    }

    private static async Task<Ok<EventAnalyticsResponse>> EventsAsync(
        string? groupBy, DateTimeOffset? from, DateTimeOffset? to, string? type, int? top, HttpResponse response, IGrainFactory grains)
    {
        var (start, end) = Range(from, to);
        var result = await grains.QueryAnalyticsAsync(AnalyticsQuery.Events(groupBy ?? AnalyticsQuery.EventGroups[0], start, end, type, top));
        response.Headers["X-Cache"] = result.Hit ? "hit" : "miss";
        var rows = result.Result.Events.Select(r => new EventGroupRow(r.Key, r.Count, r.FirstAt, r.LastAt)).ToList();
        return TypedResults.Ok(new EventAnalyticsResponse(rows, result.Result.ComputedAt));
    }

    private static async Task<Ok<MetricAnalyticsResponse>> MetricsAsync(
        string? metric, DateTimeOffset? from, DateTimeOffset? to, string? bucket, string? agg, string? groupBy, HttpResponse response, IGrainFactory grains)
    {
        var (start, end) = Range(from, to);
        var query = AnalyticsQuery.Metrics(metric ?? "", start, end, HttpInput.Duration(bucket, "bucket", AnalyticsContract.DefaultBucket), agg ?? MetricRules.DefaultAggregate, groupBy ?? AnalyticsQuery.MetricGroups[^1]);
        var result = await grains.QueryAnalyticsAsync(query);
        response.Headers["X-Cache"] = result.Hit ? "hit" : "miss";
        var rows = result.Result.Metrics.Select(r => new MetricSeriesRow(r.Bucket, r.Device, r.Value, r.Count)).ToList();
        return TypedResults.Ok(new MetricAnalyticsResponse(rows, result.Result.ComputedAt));
    }

    private static async Task<Ok<CacheInvalidated>> InvalidateAsync(IGrainFactory grains)
    {
        await grains.GetGrain<IQueryCacheInvalidator>("http").Invalidate();
        return TypedResults.Ok(new CacheInvalidated(true));
    }

    /// <summary>Without bounds: the last <see cref="AnalyticsContract.WindowDays"/> days up to the next whole minute, so that repeated requests share a cache entry.</summary>
    private static (DateTimeOffset From, DateTimeOffset To) Range(DateTimeOffset? from, DateTimeOffset? to)
    {
        var now = DateTimeOffset.UtcNow;
        var end = to ?? new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(1);
        return (from ?? end.AddDays(-AnalyticsContract.WindowDays), end);
    }
}
