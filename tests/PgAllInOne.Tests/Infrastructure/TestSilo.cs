using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PgAllInOne.Grains;
using PgAllInOne.Runtime.Hosting;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>A real silo (runtime, PostgreSQL storage, migrations) in this process, holding the test grains.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost host;
    private bool stopped;

    private TestSilo(IHost host) => this.host = host;

    public IServiceProvider Services => host.Services;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<TestSilo> StartAsync(string connectionString, IDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Silo:Port"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders();
        builder.Services.AddGrainRuntime(builder.Configuration).AddGrainsFrom(typeof(Grains.CounterGrain).Assembly).AddGrainsFrom(typeof(PgAllInOne.Grains.GrainsAssembly).Assembly).AddDataGrains().AddAnalytics(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host);
    }

    public string SiloId => Services.GetRequiredService<SiloStatus>().SiloId;

    /// <summary>Stops the silo as a crash would: it falls silent, flushes nothing and tells nobody.</summary>
    public async Task KillAsync()
    {
        await Services.GetServices<IHostedService>().OfType<SiloHostedService>().Single().AbortAsync();
        await DisposeAsync();
    }

    /// <summary>Graceful stop: every activation deactivates and flushes before the silo goes.</summary>
    public async Task StopAsync()
    {
        if (!stopped)
        {
            stopped = true;
            await host.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        host.Dispose();
    }
}
