using Microsoft.AspNetCore.Http.HttpResults;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.Analytics;

public static class AnalyticsApi
{
    public static RouteGroupBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics").RequireAuthorization(ApiRoles.Reader);
        group.MapGet("/events", EventsAsync);
        group.MapGet("/metrics", MetricsAsync);
        group.MapPost("/cache/invalidate", InvalidateAsync).RequireAuthorization(ApiRoles.Writer);
        return group;
    }

    private static async Task<Ok<EventAnalyticsResponse>> EventsAsync(
        string? groupBy, DateTimeOffset? from, DateTimeOffset? to, string? type, int? top, HttpResponse response, IGrainFactory grains)
    {
        var (start, end) = Range(from, to);
        var result = await grains.QueryAnalyticsAsync(AnalyticsQuery.Events(groupBy ?? "type", start, end, type, top));
        response.Headers["X-Cache"] = result.Hit ? "hit" : "miss";
        return TypedResults.Ok(new EventAnalyticsResponse(result.Result.Events, result.Result.ComputedAt));
    }

    private static async Task<Ok<MetricAnalyticsResponse>> MetricsAsync(
        string? metric, DateTimeOffset? from, DateTimeOffset? to, string? bucket, string? agg, string? groupBy, HttpResponse response, IGrainFactory grains)
    {
        var (start, end) = Range(from, to);
        var query = AnalyticsQuery.Metrics(metric ?? "", start, end, HttpInput.Duration(bucket, "bucket", TimeSpan.FromHours(1)), agg ?? "avg", groupBy ?? "none");
        var result = await grains.QueryAnalyticsAsync(query);
        response.Headers["X-Cache"] = result.Hit ? "hit" : "miss";
        return TypedResults.Ok(new MetricAnalyticsResponse(result.Result.Metrics, result.Result.ComputedAt));
    }

    private static async Task<Ok<CacheInvalidated>> InvalidateAsync(IGrainFactory grains)
    {
        await grains.GetGrain<IQueryCacheInvalidator>("http").Invalidate();
        return TypedResults.Ok(new CacheInvalidated(true));
    }

    /// <summary>Without bounds: the last <see cref="OpenApi.ApiContract.AnalyticsWindowDays"/> days up to the next whole minute, so that repeated requests share a cache entry.</summary>
    private static (DateTimeOffset From, DateTimeOffset To) Range(DateTimeOffset? from, DateTimeOffset? to)
    {
        var now = DateTimeOffset.UtcNow;
        var end = to ?? new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(1);
        return (from ?? end.AddDays(-OpenApi.ApiContract.AnalyticsWindowDays), end);
    }
}
