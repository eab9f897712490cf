using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PgAllInOne.Grains.Maintenance;

namespace PgAllInOne.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>Adds what the grains share on a silo: the group-commit writer of metric readings.</summary>
    public static IServiceCollection AddDataGrains(this IServiceCollection services)
    {
        services.TryAddSingleton<Devices.MetricsWriter>();
        return services;
    }

    /// <summary>Adds the partition upkeep, metric retention and record TTL cleanup job (section "Maintenance").</summary>
    public static IServiceCollection AddPartitionMaintenance(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MaintenanceOptions>().Bind(configuration.GetSection(MaintenanceOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MaintenanceOptions>, MaintenanceOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<PartitionMaintenanceService>();
        return services;
    }
}
