using PgAllInOne.Postgres;

namespace PgAllInOne.Hosting;

/// <summary>
/// Starts the silo's PostgreSQL (the embedded server, when there is one) and applies the migrations before anything of
/// Orleans runs — its membership table and queries are among them — and stops it after everything else has stopped.
/// </summary>
internal sealed class DatabaseLifecycle(PostgresDatabase database) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DatabaseLifecycle), ServiceLifecycleStage.First, database.StartAsync, _ => database.DisposeAsync().AsTask());
}
