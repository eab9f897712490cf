using Microsoft.Extensions.Configuration;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Postgres.Backups;

namespace PgAllInOne.Hosting;

/// <summary>
/// A silo started without backups clears a synchronous_standby_names that names the backups' WAL receiver: left set (the
/// silo that set it had synchronous backups), every commit would wait for a receiver that no longer runs. While a
/// receiver is connected it is another silo's, whose synchronous backups it leaves alone.
/// </summary>
internal sealed class SynchronousBackupReset(PostgresDatabase database, IConfiguration configuration) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SynchronousBackupReset), ServiceLifecycleStage.RuntimeInitialize, ResetAsync, _ => Task.CompletedTask);

    private async Task ResetAsync(CancellationToken cancellationToken)
    {
        var owner = configuration.GetConnectionString("PostgresAdmin") is { Length: > 0 } admin ? admin : database.ConnectionString;
        await using var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(owner) { Pooling = false }.ConnectionString);
        await BackupService.ClearLeftoverSynchronousAsync(source, cancellationToken);
    }
}
