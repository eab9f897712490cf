using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PgAllInOne.Postgres;

namespace PgAllInOne.Silo.Telemetry;

/// <summary>
/// The silo's MeterProvider (Orleans, group commits, data features, HTTP server, Npgsql), read by /metrics, and — when
/// <c>Telemetry:OtlpEndpoint</c> is set — a TracerProvider and a metric reader exporting over OTLP.
/// </summary>
public sealed class SiloTelemetry : IDisposable
{
    private static readonly string[] Meters = ["Microsoft.Orleans", PostgresTelemetry.Name, Grains.GrainsTelemetry.Name, "Npgsql", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];
    private static readonly string[] Sources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Npgsql", "Microsoft.AspNetCore"];

    private readonly Lock gate = new();
    private readonly MeterProvider meters;
    private readonly TracerProvider? traces;
    private readonly PrometheusTextExporter prometheus;
    private readonly BaseExportingMetricReader reader;

    public SiloTelemetry(IOptions<TelemetryOptions> options, ILocalSiloDetails silo)
    {
        var resource = ResourceBuilder.CreateDefault().AddService(options.Value.ServiceName, serviceInstanceId: silo.SiloAddress.ToString());
        prometheus = new PrometheusTextExporter(silo.SiloAddress.ToString());
        reader = new BaseExportingMetricReader(prometheus);
        var builder = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(Meters).AddReader(reader);
        if (options.Value.OtlpEndpoint is { Length: > 0 } endpoint)
        {
            builder.AddOtlpExporter(otlp => otlp.Endpoint = new Uri(endpoint));
            traces = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(Sources)
                .AddOtlpExporter(otlp => otlp.Endpoint = new Uri(endpoint))
                .Build();
        }

        meters = builder.Build();
    }

    /// <summary>Collects every meter now and returns the Prometheus text exposition.</summary>
    public string CollectPrometheusText()
    {
        lock (gate)
        {
            reader.Collect();
            return prometheus.Text;
        }
    }

    public void Dispose()
    {
        traces?.Dispose();
        meters.Dispose();
    }
}
