using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using PgAllInOne.Postgres;

namespace PgAllInOne.OrleansExtensions.GrainStorage;

public static class PostgresGrainStorageExtensions
{
    /// <summary>Makes <see cref="PostgresGrainStorage"/> the default grain storage, on the silo's <see cref="PostgresDatabase"/>.</summary>
    public static ISiloBuilder AddPostgresGrainStorageAsDefault(this ISiloBuilder builder, Action<OptionsBuilder<PostgresGrainStorageOptions>>? configure = null) =>
        builder.AddPostgresGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder builder, string name, Action<OptionsBuilder<PostgresGrainStorageOptions>>? configure = null)
    {
        var options = builder.Services.AddOptions<PostgresGrainStorageOptions>(name).ValidateOnStart();
        configure?.Invoke(options);
        builder.Services.AddSingleton<IValidateOptions<PostgresGrainStorageOptions>, PostgresGrainStorageOptionsValidator>();
        builder.Services.AddGrainStorage(name, static (services, name) => new PostgresGrainStorage(
            name,
            services.GetRequiredService<PostgresDatabase>().DataSource,
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            services.GetRequiredService<IOptionsMonitor<PostgresGrainStorageOptions>>().Get(name)));
        return builder;
    }
}
