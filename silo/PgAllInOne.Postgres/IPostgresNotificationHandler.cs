using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>A consumer of one PostgreSQL notification channel, fed by the silo's <see cref="PostgresNotificationListener"/>.</summary>
public interface IPostgresNotificationHandler
{
    string Channel { get; }

    /// <summary>Called on the listener's connection once it listens (again, after a reconnect): read the current state here.</summary>
    Task OnListeningAsync(NpgsqlConnection connection, CancellationToken cancellationToken);

    void OnNotification(string payload);

    /// <summary>The listener lost its connection: notifications may be missed until <see cref="OnListeningAsync"/> runs again.</summary>
    void OnListenerLost();
}
