using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace PgAllInOne.Hosting.Tls;

/// <summary>Says once, as the silo starts, how its cluster ports are protected: mutual TLS, or nothing while they are reachable from the network.</summary>
internal sealed partial class ClusterPortsReport(
    SiloTlsCertificates certificates,
    IOptions<EndpointOptions> endpoints,
    ILogger<ClusterPortsReport> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterPortsReport), ServiceLifecycleStage.RuntimeInitialize, _ =>
        {
            Report();
            return Task.CompletedTask;
        });

    private void Report()
    {
        var silo = endpoints.Value.SiloListeningEndpoint ?? new IPEndPoint(endpoints.Value.AdvertisedIPAddress ?? IPAddress.Loopback, endpoints.Value.SiloPort);
        if (certificates.Files is { } files)
        {
            var certificate = files.Certificate;
            var authorities = string.Join("; ", files.Authorities.Select(a => a.Subject));
            LogMutualTls(logger, endpoints.Value.SiloPort, endpoints.Value.GatewayPort, certificate.Subject, certificate.NotAfter, authorities);
        }
        else if (!IPAddress.IsLoopback(silo.Address))
        {
            LogPlainTcp(logger, silo.Address.ToString(), endpoints.Value.SiloPort, endpoints.Value.GatewayPort);
        }
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Cluster ports {SiloPort} and {GatewayPort} require mutual TLS: this silo presents {Subject} (valid until {NotAfter:u}); peers and clients must present a certificate issued by {Authority}")]
    private static partial void LogMutualTls(ILogger logger, int siloPort, int gatewayPort, string subject, DateTime notAfter, string authority);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Cluster ports {SiloPort} and {GatewayPort} listen on {Address} without TLS: anyone who reaches them can call every grain. Set Silo:Tls:Certificate, Silo:Tls:Key and Silo:Tls:CaCertificate")]
    private static partial void LogPlainTcp(ILogger logger, string address, int siloPort, int gatewayPort);
}
