using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using PgAllInOne.Grains;
using PgAllInOne.Hosting.Tls;
using PgAllInOne.OrleansExtensions.CallCycles;
using PgAllInOne.OrleansExtensions.DatabaseFailures;
using PgAllInOne.OrleansExtensions.GrainStorage;
using PgAllInOne.OrleansExtensions.Membership;
using PgAllInOne.Postgres;

namespace PgAllInOne.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// Makes an Orleans silo a PgAllInOne silo: its PostgreSQL (configured or embedded, migrated before Orleans starts),
    /// ADO.NET clustering on it, the timings of the "Runtime" and "Membership" sections, grain state
    /// in PostgreSQL, fail-fast call cycles, database failures translated for callers, trace propagation, the data
    /// grains' shared services, the analytic query cache and partition maintenance. The silo executable and the test
    /// silos register exactly this.
    /// </summary>
    public static ISiloBuilder AddPgAllInOne(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.AddOptions<SiloOptions>().Bind(configuration.GetSection(SiloOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>();
        services.AddOptions<RuntimeOptions>().Bind(configuration.GetSection(RuntimeOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RuntimeOptions>, RuntimeOptionsValidator>();

        services.AddOptions<PostgresDatabaseOptions>().Configure<IOptions<SiloOptions>>((database, options) =>
        {
            database.ConnectionString = configuration.GetConnectionString("Postgres");
            database.AdminConnectionString = configuration.GetConnectionString("PostgresAdmin");
            database.DataDirectory = options.Value.DataDirectory;
            database.MaxPoolSize = options.Value.MaxPoolSize;
        });
        services.AddSingleton<PostgresDatabase>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PostgresReachability>();
        services.AddStandbyReads(configuration);
        services.AddSingleton(provider => provider.GetRequiredService<PostgresDatabase>().DataSource);
        services.AddKeyedSingleton(PostgresDatabase.AdminKey, (provider, _) => provider.GetRequiredService<PostgresDatabase>().AdminDataSource);

        // A lost commit answer is looked up for half a request's timeout: its caller, who may have waited that long in the queue, still hears it.
        services.AddSingleton(provider => new CommitLog(
            provider.GetRequiredService<PostgresDatabase>().DataSource,
            provider.GetRequiredService<IOptions<RuntimeOptions>>().Value.ResponseTimeout / 2,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<CommitLog>>(),
            provider.GetRequiredService<WriteGate>()));
        services.AddSingleton<WriteGate>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, DatabaseLifecycle>();
        services.AddBackups(configuration);

        services.AddOptions<SiloMessagingOptions>().Configure<IOptions<RuntimeOptions>>((messaging, options) => messaging.ResponseTimeout = options.Value.ResponseTimeout);
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<RuntimeOptions>>((collection, options) =>
        {
            collection.CollectionAge = options.Value.CollectionAge;
            collection.CollectionQuantum = options.Value.CollectionQuantum;
        });
        services.AddOptions<ClusterMembershipOptions>().Configure(MembershipDefaults.Apply).Bind(configuration.GetSection(MembershipDefaults.SectionName));

        silo.UseAdoNetClustering((AdoNetClusteringSiloOptions _) => { });
        services.AddOptions<AdoNetClusteringSiloOptions>().Configure<PostgresDatabase>((clustering, database) =>
        {
            clustering.Invariant = "Npgsql";
            clustering.ConnectionString = MembershipConnection(database.ConnectionString);
        });
        silo.AddMembershipOutageReporting();
        silo.AddClusterTls(configuration);

        silo.AddPostgresGrainStorageAsDefault(options => options.Bind(configuration.GetSection(PostgresGrainStorageOptions.SectionName)));
        silo.AddCallCycleDetection();
        silo.AddDatabaseFailureTranslation();
        if (!string.IsNullOrEmpty(configuration.GetSection(TelemetryOptions.SectionName)[nameof(TelemetryOptions.OtlpEndpoint)]))
        {
            // Only when traces are exported: a grain call filter costs every call, and without an exporter no span is kept.
            silo.AddActivityPropagation();
        }

        services.AddDataGrains().AddAnalytics(configuration).AddPartitionMaintenance(configuration);
        services.AddHostedService<PostgresNotificationListener>();
        return silo;
    }

    /// <summary>
    /// The silo's identity and addresses from the "Silo" section: <c>ClusterId</c> (Orleans' cluster and service id),
    /// <c>Port</c> (silo to silo), <c>GatewayPort</c> (clients) and <c>AdvertisedHost</c>; a port of 0 takes a free one.
    /// A test cluster, which assigns these itself, leaves this out.
    /// </summary>
    public static ISiloBuilder UseSiloEndpoints(this ISiloBuilder silo, IConfiguration configuration)
    {
        // SiloOptions are bound (and validated) by AddPgAllInOne; options are read only once the host is built.
        var services = silo.Services;
        services.AddOptions<ClusterOptions>().Configure<IOptions<SiloOptions>>((cluster, options) =>
        {
            cluster.ClusterId = options.Value.ClusterId;
            cluster.ServiceId = options.Value.ClusterId;
        });
        services.AddOptions<EndpointOptions>().Configure<IOptions<SiloOptions>>((endpoints, options) =>
        {
            var advertised = AdvertisedAddress.Resolve(options.Value.AdvertisedHost);
            var listen = AdvertisedAddress.ListenOn(advertised);
            endpoints.AdvertisedIPAddress = advertised;
            var siloPort = options.Value.Port == 0 ? AdvertisedAddress.FreePort(listen) : options.Value.Port;
            var gatewayPort = options.Value.GatewayPort == 0 ? AdvertisedAddress.FreePort(listen) : options.Value.GatewayPort;
            endpoints.SiloPort = siloPort;
            endpoints.GatewayPort = gatewayPort;
            endpoints.SiloListeningEndpoint = new IPEndPoint(listen, siloPort);
            endpoints.GatewayListeningEndpoint = new IPEndPoint(listen, gatewayPort);
        });
        return silo;
    }

    // Membership has a pool of its own, so that a silo busy with requests still answers for its liveness. Its rows are not
    // data a restore must bring back: its commits do not wait for a synchronous backup (or standby), so that a backup
    // location that stops answering never stops the silos' heartbeats.
    private static string MembershipConnection(string connectionString) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "pgallinone-membership", MaxPoolSize = 4, MaxAutoPrepare = 0, Options = "-c synchronous_commit=local" }.ConnectionString;
}
