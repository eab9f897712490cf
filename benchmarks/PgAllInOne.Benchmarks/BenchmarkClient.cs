using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PgAllInOne.Client;

namespace PgAllInOne.Benchmarks;

/// <summary>Orleans' cluster client as apps get it (<c>AddPgAllInOneClient</c>), in a host of its own.</summary>
internal sealed class BenchmarkClient : IAsyncDisposable
{
    private readonly IHost host;

    private BenchmarkClient(IHost host) => this.host = host;

    public IClusterClient Grains => host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Connects through one gateway (<c>host:port</c>) of the cluster <paramref name="clusterId"/>.</summary>
    public static async Task<BenchmarkClient> ConnectAsync(string gateway, string clusterId, Action<PgAllInOneClientTlsOptions>? tls = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddPgAllInOneClient(options =>
        {
            options.Gateways.Add(gateway);
            options.ClusterId = clusterId;
            tls?.Invoke(options.Tls);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new BenchmarkClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
