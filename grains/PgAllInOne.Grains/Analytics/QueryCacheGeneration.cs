using Npgsql;
using PgAllInOne.Grains.Audit;
using PgAllInOne.Postgres;
using PgAllInOne.Postgres.Audit;

namespace PgAllInOne.Grains.Analytics;

/// <summary>
/// The silo's view of the cache generation: read when the silo starts listening and followed through PostgreSQL
/// notifications, so that an invalidation on any silo drops every silo's cached results (and older Redis entries).
/// </summary>
public sealed class QueryCacheGeneration(PostgresDatabase database) : IPostgresNotificationHandler
{
    private readonly Lock gate = new();
    private CacheGeneration current;

    public string Channel => "pgaio_query_cache";

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

    /// <summary>Starts a new generation on every silo (the notification goes out at commit), recorded in the audit trail.</summary>
    public async Task InvalidateAsync(CancellationToken cancellationToken)
    {
        long generation = 0;
        await AuditTrail.RunAsync(database.DataSource, AuditActions.AnalyticsCacheInvalidated, "analytics/cache", AuditRequestContext.Current, async connection =>
        {
            await using var command = new NpgsqlCommand(GrainsSql.Get("Analytics/BumpCacheGeneration.sql"), connection);
            generation = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            return true;
        }, cancellationToken);
        Advance(generation);
    }

    public async Task OnListeningAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand(GrainsSql.Get("Analytics/ReadCacheGeneration.sql"), connection);
        Advance((long)(await read.ExecuteScalarAsync(cancellationToken))!);
    }

    public void OnNotification(string payload)
    {
        if (long.TryParse(payload, out var generation))
        {
            Advance(generation);
        }
    }

    public void OnListenerLost()
    {
        // Invalidations may be missed until the listener is back: drop what this silo keeps in memory.
        lock (gate)
        {
            current = current with { Local = current.Local + 1 };
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
}
