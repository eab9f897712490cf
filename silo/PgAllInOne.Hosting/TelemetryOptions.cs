namespace PgAllInOne.Hosting;

/// <summary>Trace and metric export (configuration section "Telemetry").</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>An OTLP endpoint (such as http://collector:4317) to export traces and metrics to; none by default.</summary>
    public string? OtlpEndpoint { get; set; }

    public string ServiceName { get; set; } = "pgallinone-silo";
}
