using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PgAllInOne.Grains;
using PgAllInOne.Hosting;
using PgAllInOne.Postgres;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Telemetry;

public static class TelemetryEndpoints
{
    /// <summary>Orleans' activity sources: grain calls (Application), Runtime, Lifecycle, Storage.</summary>
    public const string OrleansSources = "Microsoft.Orleans.*";

    /// <summary>Orleans' meter (requests, activations, messaging, storage, ...).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>
    /// OpenTelemetry (section "Telemetry"): metrics of ASP.NET Core, the runtime, Npgsql, Orleans and ours, read by
    /// /metrics; with <c>Telemetry:OtlpEndpoint</c> set, also traces of ASP.NET Core, HttpClient, Npgsql and Orleans,
    /// and both exported over OTLP. The resource names the service, the silo and the cluster.
    /// </summary>
    public static IServiceCollection AddSiloTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(TelemetryOptions.SectionName);
        services.AddOptions<TelemetryOptions>().Bind(section)
            .Validate(o => o.OtlpEndpoint is null or "" || Uri.TryCreate(o.OtlpEndpoint, UriKind.Absolute, out _), "Telemetry:OtlpEndpoint must be an absolute URI such as http://collector:4317.")
            .ValidateOnStart();
        var options = section.Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint) ? endpoint : null; // an invalid one fails the validation above

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(options.ServiceName)
                .AddDetector(sp => new SiloResourceDetector(sp.GetRequiredService<ILocalSiloDetails>())))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddMeter(OrleansMeter, PostgresTelemetry.Name, GrainsTelemetry.Name)
                    .AddPrometheusExporter(prometheus => prometheus.ResourceConstantLabels = key => key == SiloResourceDetector.SiloAttribute);
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(exporter => exporter.Endpoint = otlp);
                }
            });

        // Spans are recorded only when they have somewhere to go: without a listener no grain call pays for one.
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(OrleansSources)
                .AddOtlpExporter(exporter => exporter.Endpoint = otlp));
        }

        return services;
    }

    /// <summary>GET /metrics: OpenTelemetry's Prometheus exporter (at least a reader key).</summary>
    public static IEndpointConventionBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(ApiRoles.Reader);
}
