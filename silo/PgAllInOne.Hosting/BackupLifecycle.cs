using PgAllInOne.Postgres.Backups;

namespace PgAllInOne.Hosting;

/// <summary>
/// Starts continuous backups once the silo's PostgreSQL runs (and is migrated), and stops them only after everything
/// above has stopped: with synchronous backups the last state writes of a stopping silo still need the WAL receiver.
/// </summary>
internal sealed class BackupLifecycle(BackupService backups) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(BackupLifecycle), ServiceLifecycleStage.RuntimeInitialize, backups.StartAsync, _ => backups.DisposeAsync().AsTask());
}
