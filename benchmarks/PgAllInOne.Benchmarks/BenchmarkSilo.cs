using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PgAllInOne.Grains;
using PgAllInOne.Runtime.Hosting;

namespace PgAllInOne.Benchmarks;

/// <summary>A real silo in this process holding the benchmark grains.</summary>
internal sealed class BenchmarkSilo : IAsyncDisposable
{
    private readonly IHost host;

    private BenchmarkSilo(IHost host) => this.host = host;

    public IServiceProvider Services => host.Services;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public static BenchmarkSilo Start(IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = BenchmarkPostgres.ConnectionString,
            ["Silo:Port"] = "0",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.Services.AddGrainRuntime(builder.Configuration)
            .AddGrainsFrom(typeof(BenchmarkSilo).Assembly)
            .AddGrainsFrom(typeof(PgAllInOne.Grains.GrainsAssembly).Assembly)
            .AddDataGrains()
            .AddAnalytics(builder.Configuration);
        var host = builder.Build();
        host.StartAsync().GetAwaiter().GetResult();
        return new BenchmarkSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
