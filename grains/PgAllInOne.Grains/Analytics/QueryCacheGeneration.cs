using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PgAllInOne.Runtime.Database;

namespace PgAllInOne.Grains.Analytics;

/// <summary>
/// The silo's view of the cache generation: read at start and followed through PostgreSQL notifications, so that an
/// invalidation on any silo drops every silo's cached results (and makes older Redis entries unreachable).
/// </summary>
// Takes the database, not its data source: hosted services are built before the silo has started PostgreSQL.
public sealed partial class QueryCacheGeneration(PostgresDatabase database, ILogger<QueryCacheGeneration> logger) : BackgroundService
{
    private const string Channel = "pgaio_query_cache";
    private readonly Lock gate = new();
    private CacheGeneration current;
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Results kept under another generation are stale.</summary>
    public CacheGeneration Current
    {
        get
        {
            lock (gate)
            {
                return current;
            }
        }
    }

    /// <summary>Starts a new generation on every silo; returns once this silo has seen it.</summary>
    public async Task InvalidateAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(GrainsSql.Get("BumpCacheGeneration.sql"));
        var generation = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        Advance(generation);
    }

    /// <summary>The silo starts serving once it knows the generation, so that its first results are keyed right.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken);
        await listening.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.DataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (long.TryParse(e.Payload, out var generation))
                    {
                        Advance(generation);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Read after listening: an invalidation in between is then seen one way or the other.
                await using (var read = new NpgsqlCommand(GrainsSql.Get("ReadCacheGeneration.sql"), connection))
                {
                    Advance((long)(await read.ExecuteScalarAsync(stoppingToken))!);
                }

                listening.TrySetResult();
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
                // Invalidations may be missed until the listener is back: drop what this silo keeps in memory.
                lock (gate)
                {
                    current = current with { Local = current.Local + 1 };
                }

                LogListenerFailed(logger, exception);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Advance(long generation)
    {
        lock (gate)
        {
            if (generation > current.Shared)
            {
                current = new CacheGeneration(generation, current.Local + 1);
            }
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Lost the cache invalidation listener; reconnecting")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);
}
