using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PgAllInOne.Client;

public static class ClusterClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="ClusterClient"/> (also as <see cref="IGrainFactory"/>) that connects when the host starts and
    /// closes when it stops.
    /// </summary>
    public static IServiceCollection AddPgAllInOneClient(this IServiceCollection services, Action<ClusterClientOptions> configure)
    {
        services.AddSingleton(sp =>
        {
            var options = new ClusterClientOptions();
            configure(options);
            return new ClusterClient(options, sp.GetService<ILogger<ClusterClient>>());
        });
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<ClusterClient>());
        services.AddHostedService<ClusterClientHostedService>();
        return services;
    }

    private sealed class ClusterClientHostedService(ClusterClient client) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => client.ConnectAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
