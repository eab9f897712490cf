using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using PgAllInOne.Hosting.Tls;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Hosting.Tls;

/// <summary>A silo without TLS says so once when its cluster ports are reachable beyond loopback, and is quiet on loopback.</summary>
public sealed class ClusterPortsReportTests
{
    [Theory]
    [InlineData("10.20.30.40", 1)]
    [InlineData("0.0.0.0", 1)]
    [InlineData("127.0.0.1", 0)]
    public async Task WithoutTls_ClusterPortsBeyondLoopback_AreWarnedOfOnce(string address, int warnings)
    {
        using var log = new LogLines();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(log));
        var endpoints = Options.Create(new EndpointOptions { SiloListeningEndpoint = new IPEndPoint(IPAddress.Parse(address), 11111), SiloPort = 11111, GatewayPort = 30000 });
        var certificates = new SiloTlsCertificates(Options.Create(new SiloTlsOptions()), new EmptyServices(), loggers.CreateLogger<SiloTlsCertificates>());
        var lifecycle = new SiloLifecycleSubject(loggers.CreateLogger<SiloLifecycleSubject>());
        new ClusterPortsReport(certificates, endpoints, loggers.CreateLogger<ClusterPortsReport>()).Participate(lifecycle);

        await lifecycle.OnStart();

        var warned = log.Lines.Where(line => line.StartsWith("Warning ", StringComparison.Ordinal) && line.Contains("without TLS", StringComparison.Ordinal)).ToList();
        Assert.Equal(warnings, warned.Count);
        Assert.All(warned, line => Assert.Contains($"listen on {address}", line, StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, line => line.Contains("require mutual TLS", StringComparison.Ordinal));
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
