using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PgAllInOne.Postgres;
using PgAllInOne.Postgres.Backups;

namespace PgAllInOne.Hosting;

public static class BackupServiceCollectionExtensions
{
    /// <summary>
    /// Continuous backups from the "Backup" section (<see cref="BackupOptions"/>), when <c>Backup:Directory</c> is set:
    /// the silo streams the WAL and takes base backups of its PostgreSQL as its owner (<c>ConnectionStrings:PostgresAdmin</c>
    /// when set, else the silo's own connection, which on the embedded default is the server's superuser).
    /// </summary>
    public static IServiceCollection AddBackups(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BackupOptions>().Bind(configuration.GetSection(BackupOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BackupOptions>, BackupOptionsValidator>();
        if (string.IsNullOrWhiteSpace(configuration.GetSection(BackupOptions.SectionName)[nameof(BackupOptions.Directory)]))
        {
            return services;
        }

        services.AddSingleton(provider =>
        {
            var database = provider.GetRequiredService<PostgresDatabase>();
            var silo = provider.GetRequiredService<IOptions<SiloOptions>>().Value;
            return new BackupService(
                provider.GetRequiredService<IOptions<BackupOptions>>().Value,
                database.AdminConnectionString,
                database.IsEmbedded ? Path.GetFullPath(silo.DataDirectory) : null,
                provider.GetRequiredService<WriteGate>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<BackupService>>());
        });
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, BackupLifecycle>();
        return services;
    }
}
