using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Runtime.Activation;
using PgAllInOne.Runtime.Database;
using PgAllInOne.Runtime.Membership;
using PgAllInOne.Runtime.Messaging;
using PgAllInOne.Runtime.Placement;
using PgAllInOne.Runtime.Storage;

namespace PgAllInOne.Runtime.Hosting;

/// <summary>
/// The silo's life: start the database, apply migrations, listen on the runtime port, join the membership; on stop,
/// announce it, deactivate every grain (flushing its state), leave, drain the write batches, stop the database.
/// </summary>
internal sealed class SiloHostedService(
    PostgresDatabase database,
    IServiceProvider services,
    Catalog catalog,
    MembershipService membership,
    GrainRouter router,
    SiloRequestHandler handler,
    SiloConnectionPool connections,
    SiloStatus status,
    IOptions<SiloOptions> options,
    ILogger<SiloHostedService> log) : IHostedService, IAsyncDisposable
{
    private readonly Lock stopLock = new();
    private SiloListener? listener;
    private bool aborted;
    private Task? stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.StartAsync(cancellationToken);
        var migrations = new MigrationRunner(database.DataSource, (ILogger<MigrationRunner>)services.GetService(typeof(ILogger<MigrationRunner>))!);
        await migrations.ApplyAsync(cancellationToken);
        status.MigrationsApplied = true;
        listener = new SiloListener(new IPEndPoint(BindAddress(options.Value.AdvertisedHost), options.Value.Port), handler.HandleAsync, log);
        status.Endpoint = $"{options.Value.AdvertisedHost}:{listener.Port}";
        catalog.Start();
        membership.ViewChanged += OnViewChanged;
        await membership.JoinAsync(cancellationToken);
        status.IsActive = true;
        log.SiloActive(status.SiloId);
    }

    /// <summary>
    /// Stops once however often it is asked: a host can be stopped twice at once (WebApplicationFactory's dispose and the
    /// app's own RunAsync both stop it), and the second call must not run on after the first has disposed the services.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (stopLock)
        {
            return stopping ??= StopOnceAsync(cancellationToken);
        }
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
        status.IsActive = false;
        membership.ViewChanged -= OnViewChanged;
        var activations = catalog.Activations.Count();
        if (!aborted)
        {
            await IgnoreDatabaseErrors(membership.MarkShuttingDownAsync(cancellationToken));
            await catalog.DeactivateAllAsync(DeactivationReason.Shutdown).WaitAsync(cancellationToken);
            await IgnoreDatabaseErrors(membership.LeaveAsync(cancellationToken));
        }

        await membership.DisposeAsync();
        await DisposeAsync();
        await connections.DisposeAsync();
        if (services.GetService(typeof(StateWriteBatcher)) is StateWriteBatcher batcher)
        {
            await batcher.DisposeAsync();
        }

        await database.DisposeAsync();
        log.SiloStopped(status.SiloId, aborted ? 0 : activations);
    }

    /// <summary>
    /// Stops the silo the way a crash does: no more heartbeats or answers, nothing flushed, nobody told. The others
    /// find out only by its silence. For fault tests of a cluster in one process.
    /// </summary>
    internal async Task AbortAsync()
    {
        aborted = true;
        status.IsActive = false;
        await membership.DisposeAsync();
        if (listener is not null)
        {
            await listener.DisposeAsync();
            listener = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (listener is not null)
        {
            await listener.DisposeAsync();
            listener = null;
        }
    }

    private void OnViewChanged(MembershipView view)
    {
        // Grains whose owner is now another silo go; their next call activates them there.
        _ = catalog.DeactivateAllAsync(DeactivationReason.Moved, activation =>
            !activation.GrainClass.IsStatelessWorker && !router.OwnsHere(activation.Id));
    }

    private static IPAddress BindAddress(string advertisedHost) =>
        IPAddress.TryParse(advertisedHost, out var address) && IPAddress.IsLoopback(address) ? address : IPAddress.Any;

    // A silo stopping because its database is gone must still stop; the others will declare it dead.
    private static async Task IgnoreDatabaseErrors(Task step)
    {
        try
        {
            await step;
        }
        catch (NpgsqlException)
        {
        }
    }
}
