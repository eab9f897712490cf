using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using PgAllInOne.Hosting;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Hosting.Tls;

/// <summary>
/// A silo in this process registered as the silo executable registers it (UseSiloEndpoints + AddPgAllInOne) on real
/// TCP ports of 127.0.0.1, clustering through the membership table of a test database; its log lines are kept.
/// </summary>
public sealed class InProcessSilo : IAsyncDisposable
{
    private readonly IHost host;
    private readonly TempFolder folder;
    private readonly LogLines log;

    private InProcessSilo(IHost host, TempFolder folder, LogLines log) => (this.host, this.folder, this.log) = (host, folder, log);

    public int SiloPort => host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.SiloPort;

    public int GatewayPort => host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.GatewayPort;

    public IServiceProvider Services => host.Services;

    /// <summary>What the silo logged (category: message), Information and up, TLS Debug too.</summary>
    public IReadOnlyList<string> Log => [.. log.Lines];

    public static async Task<InProcessSilo> StartAsync(string connectionString, string clusterId, IDictionary<string, string?> settings, TimeProvider? tlsClock = null, CancellationToken cancellationToken = default)
    {
        var folder = new TempFolder("pgaio-tls-silo");
        var log = new LogLines();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Silo:ClusterId"] = clusterId,
            ["Silo:Port"] = "0",
            ["Silo:GatewayPort"] = "0",
            ["Silo:AdvertisedHost"] = "127.0.0.1",
            ["Silo:DataDirectory"] = folder.Path,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("PgAllInOne.Hosting.Tls", LogLevel.Debug);
        if (tlsClock is not null)
        {
            builder.Services.AddKeyedSingleton(PgAllInOne.Hosting.Tls.SiloTlsCertificates.ClockKey, tlsClock);
        }

        builder.UseOrleans(silo => silo.UseSiloEndpoints(builder.Configuration).AddPgAllInOne(builder.Configuration));

        // A silo process ends itself on a fatal error (declared dead, say); this one is in the test's process, which must go on.
        builder.Services.AddSingleton<IFatalErrorHandler>(new LoggedFatalErrors(log));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            // A host whose start failed part way may fail to stop as well: the start's exception is the one to see.
            try
            {
                await StopAsync(host);
            }
            catch (Exception)
            {
                host.Dispose();
            }

            folder.Dispose();
            throw;
        }

        return new InProcessSilo(host, folder, log);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(host);
        folder.Dispose();
    }

    private static async Task StopAsync(IHost host)
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await host.StopAsync(stopping.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or OrleansException or AggregateException)
        {
            // A silo that never joined, or whose peers are gone, may not leave gracefully: disposing it is what counts.
        }

        host.Dispose();
    }

    /// <summary>Records a fatal error as a log line instead of ending the process.</summary>
    private sealed class LoggedFatalErrors(LogLines log) : IFatalErrorHandler
    {
        public bool IsUnexpected(Exception exception) => true;

        public void OnFatalException(object? sender, string? context, Exception? exception) =>
            log.Lines.Enqueue($"Fatal {context}: {exception?.Message}");
    }
}
