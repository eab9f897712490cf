using OpenTelemetry.Resources;

namespace PgAllInOne.Silo.Telemetry;

/// <summary>
/// The silo's identity as resource attributes: <c>service.instance.id</c> and <c>silo</c> (its address, unique per
/// silo incarnation), <c>orleans.silo.name</c> and <c>orleans.cluster.id</c> (<c>Silo:ClusterId</c>). Resolved from the
/// service provider when the tracer and meter providers are built, since the silo's address is known only to Orleans.
/// </summary>
internal sealed class SiloResourceDetector(ILocalSiloDetails silo) : IResourceDetector
{
    /// <summary>The resource attribute that /metrics copies onto every series as a label.</summary>
    public const string SiloAttribute = "silo";

    public Resource Detect()
    {
        var address = silo.SiloAddress.ToString();
        return new Resource(new Dictionary<string, object>
        {
            ["service.instance.id"] = address,
            [SiloAttribute] = address,
            ["orleans.silo.name"] = silo.Name,
            ["orleans.cluster.id"] = silo.ClusterId,
        });
    }
}
