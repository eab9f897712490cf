using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PgAllInOne.Runtime.Activation;
using Npgsql;
using PgAllInOne.Runtime.Database;
using PgAllInOne.Runtime.Membership;
using PgAllInOne.Runtime.Storage;

namespace PgAllInOne.Runtime.Hosting;

/// <summary>
/// The silo's life: start the database, apply migrations, start the runtime; on stop, deactivate every grain
/// (flushing its state), drain the write batches, and stop the database.
/// </summary>
internal sealed class SiloHostedService(
    PostgresDatabase database,
    IServiceProvider services,
    Catalog catalog,
    MembershipService membership,
    SiloStatus status,
    ILogger<SiloHostedService> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.StartAsync(cancellationToken);
        var migrations = new MigrationRunner(database.DataSource, (ILogger<MigrationRunner>)services.GetService(typeof(ILogger<MigrationRunner>))!);
        await migrations.ApplyAsync(cancellationToken);
        status.MigrationsApplied = true;
        catalog.Start();
        await membership.JoinAsync(cancellationToken);
        status.IsActive = true;
        log.SiloActive(status.SiloId);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        status.IsActive = false;
        var activations = catalog.Activations.Count();
        await IgnoreDatabaseErrors(membership.MarkShuttingDownAsync(cancellationToken));
        await catalog.DeactivateAllAsync(DeactivationReason.Shutdown).WaitAsync(cancellationToken);
        await IgnoreDatabaseErrors(membership.LeaveAsync(cancellationToken));
        if (services.GetService(typeof(StateWriteBatcher)) is StateWriteBatcher batcher)
        {
            await batcher.DisposeAsync();
        }

        await database.DisposeAsync();
        log.SiloStopped(status.SiloId, activations);
    }

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
