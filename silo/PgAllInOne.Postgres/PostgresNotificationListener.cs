using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// One connection per silo that LISTENs on the channels of every <see cref="IPostgresNotificationHandler"/> and hands
/// each notification on; reconnects every second after a failure. The silo serves only once every handler has read its
/// state. Its failures and reconnections are what <see cref="PostgresReachability"/> reports, once per outage.
/// </summary>
// Takes the database, not its data source: hosted services are built before the silo has started PostgreSQL.
public sealed partial class PostgresNotificationListener(
    PostgresDatabase database,
    IEnumerable<IPostgresNotificationHandler> handlers,
    PostgresReachability reachability,
    ILogger<PostgresNotificationListener> logger) : BackgroundService
{
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken);
        await listening.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var byChannel = handlers.ToLookup(h => h.Channel, StringComparer.Ordinal);
        if (byChannel.Count == 0)
        {
            listening.TrySetResult();
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.DataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    foreach (var handler in byChannel[e.Channel])
                    {
                        handler.OnNotification(e.Payload);
                    }
                };
                foreach (var channel in byChannel)
                {
                    // Channel names are constants of the handlers, never input.
                    await using var listen = new NpgsqlCommand($"LISTEN {channel.Key}", connection);
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // State is read after listening: a change in between is then seen one way or the other.
                foreach (var handler in byChannel.SelectMany(c => c))
                {
                    await handler.OnListeningAsync(connection, stoppingToken);
                }

                listening.TrySetResult();
                reachability.Reached();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                foreach (var handler in byChannel.SelectMany(c => c))
                {
                    handler.OnListenerLost();
                }

                if (exception is NpgsqlException or IOException or TimeoutException)
                {
                    reachability.Failed(exception);
                    LogListenerRetrying(logger, exception);
                }
                else
                {
                    LogListenerFailed(logger, exception);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.NotificationListenerLost, Level = LogLevel.Warning, Message = "Lost the PostgreSQL notification listener; reconnecting")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);

    // Every retry during an outage fails again: the outage itself is reported once, by PostgresReachability.
    [LoggerMessage(EventId = LogEvents.NotificationListenerSilent, Level = LogLevel.Debug, Message = "PostgreSQL did not answer the notification listener; reconnecting")]
    private static partial void LogListenerRetrying(ILogger logger, Exception exception);
}
