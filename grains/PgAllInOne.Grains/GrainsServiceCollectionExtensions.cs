using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using PgAllInOne.Grains.Analytics;
using PgAllInOne.Grains.Idempotency;
using PgAllInOne.Grains.Maintenance;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>Adds what the grains share on a silo: the group-commit writers of metric readings and events (on the silo's <see cref="CommitLog"/>).</summary>
    public static IServiceCollection AddDataGrains(this IServiceCollection services)
    {
        services.TryAddKeyedSingleton(DataClock.Key, TimeProvider.System);
        services.TryAddSingleton<Devices.MetricsWriter>();
        services.TryAddSingleton<Users.EventWriter>();
        return services;
    }

    /// <summary>Adds the OLAP query cache (section "Analytics"): its generation follower and the optional Redis share (connected as the silo starts).</summary>
    public static IServiceCollection AddAnalytics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AnalyticsOptions>().Bind(configuration.GetSection(AnalyticsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AnalyticsOptions>, AnalyticsOptionsValidator>();
        services.TryAddKeyedSingleton(DataClock.Key, TimeProvider.System);
        services.TryAddSingleton<SharedResultCache>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<SharedResultCache>());
        services.TryAddSingleton<QueryCacheGeneration>();
        services.AddSingleton<IPostgresNotificationHandler>(provider => provider.GetRequiredService<QueryCacheGeneration>());
        return services;
    }

    /// <summary>
    /// Adds the partition upkeep, metric retention, record TTL cleanup and log and idempotency key purge job (section
    /// "Maintenance"; the idempotency keys' window is <c>Api:IdempotencyWindow</c>).
    /// </summary>
    public static IServiceCollection AddPartitionMaintenance(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MaintenanceOptions>().Bind(configuration.GetSection(MaintenanceOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MaintenanceOptions>, MaintenanceOptionsValidator>();
        services.AddOptions<IdempotencyOptions>().Bind(configuration.GetSection(IdempotencyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IdempotencyOptions>, IdempotencyOptionsValidator>();
        services.TryAddKeyedSingleton(DataClock.Key, TimeProvider.System);
        services.AddHostedService<PartitionMaintenanceService>();
        return services;
    }
}
