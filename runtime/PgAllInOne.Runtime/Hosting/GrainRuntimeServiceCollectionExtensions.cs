using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Runtime.Activation;
using PgAllInOne.Runtime.Database;
using PgAllInOne.Runtime.Invocation;
using PgAllInOne.Runtime.Membership;
using PgAllInOne.Runtime.Messaging;
using PgAllInOne.Runtime.Placement;
using PgAllInOne.Runtime.Storage;

using PgAllInOne.Runtime.Telemetry;

namespace PgAllInOne.Runtime.Hosting;

public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds a silo's grain runtime: options bound from "Silo" and "Runtime" and validated at start, the database
    /// (configured or embedded), migrations, the catalog, the grain factory and PostgreSQL grain storage.
    /// </summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SiloOptions>().Bind(configuration.GetSection(SiloOptions.SectionName)).ValidateOnStart();
        services.AddOptions<GrainRuntimeOptions>().Bind(configuration.GetSection(GrainRuntimeOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>();
        services.AddSingleton<IValidateOptions<GrainRuntimeOptions>, GrainRuntimeOptionsValidator>();
        services.AddOptions<GrainTypeOptions>();
        services.AddOptions<MembershipOptions>().Bind(configuration.GetSection(MembershipOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MembershipOptions>, MembershipOptionsValidator>();
        services.AddSingleton<MembershipService>();
        services.AddSingleton<GrainRouter>();
        services.AddSingleton<SiloConnectionPool>();
        services.AddSingleton<SiloRequestHandler>();

        services.AddSingleton<SiloStatus>();
        services.TryAddSingleton<CallStatistics>();
        services.TryAddSingleton<CounterTotals>();
        services.AddSingleton<SiloStatistics>();
        services.AddSingleton<PostgresDatabase>();
        services.AddSingleton(sp => sp.GetRequiredService<PostgresDatabase>().DataSource);
        services.AddSingleton<GrainTypeRegistry>();
        services.AddSingleton<GrainActivator>();
        services.AddSingleton<Catalog>();
        services.AddSingleton<IGrainCallDispatcher, GrainCallDispatcher>();
        services.AddSingleton<IGrainFactory, GrainFactory>();
        services.AddSingleton<StateWriteBatcher>();
        services.AddSingleton<IGrainStorage, PostgresGrainStorage>();
        services.AddHostedService<SiloHostedService>();
        services.AddHostedService<PostgresNotificationListener>(); // after the silo: it needs the started database
        return services;
    }

    /// <summary>Registers the grain classes (and through them their interfaces) found in an assembly.</summary>
    public static IServiceCollection AddGrainsFrom(this IServiceCollection services, Assembly assembly)
    {
        services.Configure<GrainTypeOptions>(options => options.Assemblies.Add(assembly));
        return services;
    }
}
