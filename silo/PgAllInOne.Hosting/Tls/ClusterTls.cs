using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using PgAllInOne.Tls;

namespace PgAllInOne.Hosting.Tls;

/// <summary>Mutual TLS on the silo's cluster ports from the "Silo:Tls" section (<see cref="SiloTlsOptions"/>).</summary>
internal static class ClusterTls
{
    public static ISiloBuilder AddClusterTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.AddOptions<SiloTlsOptions>().Bind(configuration.GetSection(SiloTlsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiloTlsOptions>, SiloTlsOptionsValidator>();
        services.AddSingleton<SiloTlsCertificates>();

        // The same TLS settings for the three kinds of connection: peers connecting in, clients connecting in, and this silo connecting out.
        services.AddOptions<SiloConnectionOptions>().Configure<SiloTlsCertificates>((connections, certificates) =>
        {
            if (certificates.Files is not { } files)
            {
                return;
            }

            var tls = MutualTls.Options(files);
            connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(tls));
            connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(tls));
            connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(tls));
        });
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ClusterPortsReport>();
        return silo;
    }
}
