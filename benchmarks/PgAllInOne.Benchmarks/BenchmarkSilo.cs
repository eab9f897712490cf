using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PgAllInOne.Hosting;

namespace PgAllInOne.Benchmarks;

/// <summary>
/// An Orleans silo in this process holding the benchmark grains: either ours (<c>AddPgAllInOne</c>: PostgreSQL,
/// clustering on it, grain storage with group commit, the call-cycle detection, activity propagation, the data grains'
/// services) or a bare one (<c>UseLocalhostClustering</c>, nothing added) to measure what ours costs.
/// </summary>
internal sealed class BenchmarkSilo : IAsyncDisposable
{
    private readonly IHost host;

    private BenchmarkSilo(IHost host) => this.host = host;

    public IServiceProvider Services => host.Services;

    /// <summary>The silo host's own grain factory: calls made through it stay inside the silo process.</summary>
    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The gateway port clients connect to.</summary>
    public int GatewayPort => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.EndpointOptions>>().Value.GatewayPort;

    /// <summary>The cluster id clients must name.</summary>
    public string ClusterId => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.ClusterOptions>>().Value.ClusterId;

    /// <summary>A PgAllInOne silo on the benchmarks' PostgreSQL; <paramref name="settings"/> override configuration keys.</summary>
    public static BenchmarkSilo Start(IDictionary<string, string?>? settings = null, string[]? args = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Silo:Port"] = "0",
            ["Silo:GatewayPort"] = "0",
            ["Silo:ClusterId"] = $"bench-{Guid.NewGuid():N}",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        if (args is not null)
        {
            builder.Configuration.AddCommandLine(args);
        }

        if (string.IsNullOrEmpty(builder.Configuration.GetConnectionString("Postgres")))
        {
            builder.Configuration["ConnectionStrings:Postgres"] = BenchmarkPostgres.ConnectionString;
        }

        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo.UseSiloEndpoints(builder.Configuration).AddPgAllInOne(builder.Configuration));
        return Run(builder);
    }

    /// <summary>
    /// A bare Orleans silo: localhost clustering, no filters, no storage, no telemetry of ours; <paramref name="add"/>
    /// may add one piece of ours back to see what it costs alone.
    /// </summary>
    public static BenchmarkSilo StartBare(Action<ISiloBuilder>? add = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "bare", clusterId: $"bare-{Guid.NewGuid():N}");
            add?.Invoke(silo);
        });
        return Run(builder);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }

    private static BenchmarkSilo Run(HostApplicationBuilder builder)
    {
        var host = builder.Build();
        host.StartAsync().GetAwaiter().GetResult();
        return new BenchmarkSilo(host);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
