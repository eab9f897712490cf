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
        // Partitions are DDL: made on the owner's connection where the silo has one (ConnectionStrings:PostgresAdmin).
        services.TryAddSingleton(provider => new Partitions.PartitionCatalog(
            provider.GetKeyedService<Npgsql.NpgsqlDataSource>(PostgresDatabase.AdminKey) ?? provider.GetRequiredService<Npgsql.NpgsqlDataSource>(),
            provider.GetRequiredKeyedService<TimeProvider>(DataClock.Key)));
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
    /// Adds the partition upkeep, metric retention, record TTL, audit retention and commit log and idempotency key purge
    /// job (sections "Maintenance" and "Audit"; the keys' window is <c>Api:IdempotencyWindow</c>) with the compaction and
    /// archive of cold metric days (section "Metrics"; <see cref="Archive.ArchiveAttach"/> lists and attaches archived days), and the rollup job (section "Rollups").
    /// </summary>
    public static IServiceCollection AddPartitionMaintenance(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MaintenanceOptions>().Bind(configuration.GetSection(MaintenanceOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MaintenanceOptions>, MaintenanceOptionsValidator>();
        services.AddOptions<IdempotencyOptions>().Bind(configuration.GetSection(IdempotencyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IdempotencyOptions>, IdempotencyOptionsValidator>();
        services.AddOptions<Audit.AuditOptions>().Bind(configuration.GetSection(Audit.AuditOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Audit.AuditOptions>, Audit.AuditOptionsValidator>();
        services.AddOptions<Compaction.MetricsOptions>().Bind(configuration.GetSection(Compaction.MetricsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Compaction.MetricsOptions>, Compaction.MetricsOptionsValidator>();
        services.TryAddKeyedSingleton(DataClock.Key, TimeProvider.System);
        services.TryAddSingleton(provider => ActivatorUtilities.CreateInstance<Archive.ArchiveAttach>(provider, provider.GetRequiredKeyedService<Npgsql.NpgsqlDataSource>(PgAllInOne.Postgres.PostgresDatabase.AdminKey)));
        services.AddHostedService<PartitionMaintenanceService>();
        services.AddOptions<Rollups.RollupOptions>().Bind(configuration.GetSection(Rollups.RollupOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Rollups.RollupOptions>, Rollups.RollupOptionsValidator>();
        services.AddHostedService<Rollups.RollupService>();
        return services;
    }
}
