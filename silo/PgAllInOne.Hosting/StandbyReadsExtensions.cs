using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PgAllInOne.Postgres;

namespace PgAllInOne.Hosting;

public static class StandbyReadsExtensions
{
    /// <summary>
    /// The watch over the hosts of a multi-host connection string (<see cref="PostgresTopology"/>) and the reads it sends
    /// to standbys (<see cref="StandbyReads"/>), configured by the "Postgres" section (<c>StandbyReads</c>, <c>MaxStandbyLag</c>).
    /// </summary>
    public static IServiceCollection AddStandbyReads(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StandbyReadOptions>().Bind(configuration.GetSection(StandbyReadOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StandbyReadOptions>, StandbyReadOptionsValidator>();
        services.AddSingleton<PostgresTopology>();
        services.AddHostedService(provider => provider.GetRequiredService<PostgresTopology>());
        services.AddSingleton<StandbyReads>();
        return services;
    }
}
