using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PgAllInOne.Postgres;
using PgAllInOne.Silo.Api;
using PgAllInOne.Silo.Dashboard;

namespace PgAllInOne.Silo.Health;

/// <summary>The probes, on ASP.NET Core's health checks: <c>/healthz</c> (alive) and <c>/readyz</c> (<see cref="ReadinessCheck"/>).</summary>
public static class HealthCheckEndpoints
{
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";

    private const string ReadyTag = "ready";

    /// <summary>Adds the readiness check and the probes' description in the OpenAPI document.</summary>
    public static IServiceCollection AddSiloHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: [ReadyTag]);
        services.Configure<OpenApiOptions>("v1", options => options.AddDocumentTransformer<HealthDocumentTransformer>());
        return services;
    }

    /// <summary>
    /// Maps the probes, GET only and anonymous: <c>/healthz</c> runs no check and answers 200 <c>{"status":"alive"}</c>;
    /// <c>/readyz</c> answers 200 <c>{"status":"ready","postgres":[{"host":..,"role":..,"lagSeconds":..}]}</c>, or 503 with problem details saying what is not ready.
    /// </summary>
    public static IEndpointRouteBuilder MapSiloHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivenessPath, new HealthCheckOptions
        {
            Predicate = _ => false,
            AllowCachingResponses = true, // no cache headers: the answer is the same as before health checks served it
            ResponseWriter = (context, _) => WriteAsync(context, "alive"),
        }).WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        endpoints.MapHealthChecks(ReadinessPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            AllowCachingResponses = true,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteReadinessAsync,
        }).WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        return endpoints;
    }

    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        var hosts = DatabaseHost.Of(context.RequestServices.GetRequiredService<PostgresTopology>());
        if (report.Status == HealthStatus.Healthy)
        {
            return context.Response.WriteAsJsonAsync(new ProbeStatus("ready", hosts), ApiJsonContext.Default.ProbeStatus, cancellationToken: context.RequestAborted);
        }

        var failed = report.Entries.Values.First(e => e.Status != HealthStatus.Healthy);
        var detail = (failed.Description ?? $"The readiness check failed: {failed.Exception?.Message}")
            + " PostgreSQL hosts: " + string.Join(", ", hosts.Select(h => $"{h.Host} {h.Role}"));
        return Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready").ExecuteAsync(context);
    }

    private static Task WriteAsync(HttpContext context, string status) =>
        context.Response.WriteAsJsonAsync(new ProbeStatus(status), ApiJsonContext.Default.ProbeStatus, cancellationToken: context.RequestAborted);
}
