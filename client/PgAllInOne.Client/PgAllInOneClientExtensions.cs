using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using PgAllInOne.Tls;

namespace PgAllInOne.Client;

/// <summary>Registers a .NET app's connection to a PgAllInOne cluster.</summary>
public static class PgAllInOneClientExtensions
{
    /// <summary>
    /// Adds Orleans' cluster client (<see cref="IClusterClient"/>, <see cref="IGrainFactory"/>) for a PgAllInOne cluster:
    /// gateways from the membership table in its PostgreSQL, or a static list; traces carried into the silos. The client
    /// connects when the host starts and reconnects by itself after a silo restarts.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Sets the cluster's PostgreSQL (or gateways) and cluster id; invalid options throw <see cref="InvalidOperationException"/> here.</param>
    public static IServiceCollection AddPgAllInOneClient(this IServiceCollection services, Action<PgAllInOneClientOptions> configure)
    {
        var options = new PgAllInOneClientOptions();
        configure(options);
        options.Validate();
        return services.AddOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ClusterId;
            });
            client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = options.ResponseTimeout);
            if (options.Gateways.Count > 0)
            {
                client.UseStaticClustering(options.Gateways.Select(ParseEndpoint).ToArray());
            }
            else
            {
                client.UseAdoNetClustering(clustering =>
                {
                    clustering.Invariant = "Npgsql";
                    clustering.ConnectionString = options.ConnectionString;
                });
            }

            client.AddActivityPropagation();
            if (options.Tls.Enabled)
            {
                client.Services.AddOptions<ClientConnectionOptions>().Configure<IServiceProvider>((connections, provider) =>
                {
                    var files = new TlsCertificateFiles(
                        options.Tls.Files,
                        provider.GetService<TimeProvider>() ?? TimeProvider.System,
                        options.Tls.ReloadInterval,
                        provider.GetRequiredService<ILoggerFactory>().CreateLogger<TlsCertificateFiles>());
                    var tls = MutualTls.Options(files);
                    connections.ConfigureConnection(connection => connection.UseClientTls(tls));
                });
            }
        });
    }

    /// <summary>
    /// <see cref="AddPgAllInOneClient(IServiceCollection, Action{PgAllInOneClientOptions})"/> with the options read from
    /// a configuration section (usually "PgAllInOne"): <c>ConnectionString</c>, <c>ClusterId</c>, <c>Gateways:0</c>…,
    /// <c>ResponseTimeout</c>, <c>Tls:Certificate</c>, <c>Tls:Key</c>, <c>Tls:CertificatePassword</c>, <c>Tls:CaCertificate</c>.
    /// </summary>
    public static IServiceCollection AddPgAllInOneClient(this IServiceCollection services, IConfiguration section, Action<PgAllInOneClientOptions>? configure = null) =>
        services.AddPgAllInOneClient(options =>
        {
            section.Bind(options);
            configure?.Invoke(options);
        });

    private static IPEndPoint ParseEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"Gateway '{endpoint}' is not host:port.");
        }

        var host = endpoint[..colon].Trim('[', ']');
        var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).FirstOrDefault()
            ?? throw new InvalidOperationException($"Gateway host '{host}' resolves to no address.");
        return new IPEndPoint(address, port);
    }
}
