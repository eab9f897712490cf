using Microsoft.Extensions.Options;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Telemetry;

public static class TelemetryEndpoints
{
    public const string PrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Adds the silo's meter and tracer providers (section "Telemetry").</summary>
    public static IServiceCollection AddSiloTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.SectionName))
            .Validate(o => o.OtlpEndpoint is null or "" || Uri.TryCreate(o.OtlpEndpoint, UriKind.Absolute, out _), "Telemetry:OtlpEndpoint must be an absolute URI such as http://collector:4317.")
            .ValidateOnStart();
        services.AddSingleton<SiloTelemetry>();
        return services;
    }

    /// <summary>GET /metrics: the Prometheus text exposition (at least a reader key).</summary>
    public static RouteHandlerBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", (SiloTelemetry telemetry) => Results.Text(telemetry.CollectPrometheusText(), PrometheusContentType))
            .WithTags("Cluster").RequireAuthorization(ApiRoles.Reader);

    /// <summary>Builds the providers at start, so that the meters are listened to before the first request.</summary>
    public static WebApplication UseSiloTelemetry(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<SiloTelemetry>();
        _ = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        return app;
    }
}
