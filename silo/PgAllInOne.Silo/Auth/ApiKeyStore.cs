using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using PgAllInOne.Api.Contracts.Keys;
using PgAllInOne.Postgres;
using PgAllInOne.Postgres.Audit;

namespace PgAllInOne.Silo.Auth;

/// <summary>
/// API keys in PostgreSQL, hashed. Lookups are cached per silo; a revocation notifies every silo, which drops its cache
/// at once, so a revoked key stops working everywhere. Keys are looked up on the primary; while it is away (a failover)
/// a standby close enough answers instead, and that answer is not cached: a revocation the standby has not replayed yet
/// holds again as soon as the primary is back.
/// </summary>
public sealed class ApiKeyStore(PostgresDatabase database, StandbyReads reads) : IPostgresNotificationHandler
{
    private const int MaxCachedKeys = 10_000;
    private readonly ConcurrentDictionary<string, ApiKey?> cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, ApiKey?> cacheById = new();

    public string Channel => "pgaio_api_keys";

    public async ValueTask<ApiKey?> FindAsync(string key, CancellationToken cancellationToken)
    {
        if (key.Length is 0 or > 200)
        {
            return null;
        }

        if (cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var hash = Hash(key);
        ApiKey? found;
        try
        {
            found = await ReadAsync(database.DataSource, "Auth/FindApiKey.sql", new NpgsqlParameter<byte[]> { TypedValue = hash }, cancellationToken);
        }
        catch (Exception exception) when (PostgresFailure.IsTransient(exception))
        {
            return await reads.OnStandbyAsync(source => ReadAsync(source, "Auth/FindApiKey.sql", new NpgsqlParameter<byte[]> { TypedValue = hash }, cancellationToken), exception);
        }

        if (cache.Count >= MaxCachedKeys)
        {
            cache.Clear(); // unknown keys from a scan must not grow the cache without bound
        }

        cache[key] = found;
        return found;
    }

    /// <summary>The live key with this id, or null once it is revoked (cached like <see cref="FindAsync"/>, dropped on every revocation).</summary>
    public async ValueTask<ApiKey?> FindByIdAsync(long id, CancellationToken cancellationToken)
    {
        if (cacheById.TryGetValue(id, out var cached))
        {
            return cached;
        }

        ApiKey? found;
        try
        {
            found = await ReadAsync(database.DataSource, "Auth/FindApiKeyById.sql", new NpgsqlParameter<long> { TypedValue = id }, cancellationToken);
        }
        catch (Exception exception) when (PostgresFailure.IsTransient(exception))
        {
            return await reads.OnStandbyAsync(source => ReadAsync(source, "Auth/FindApiKeyById.sql", new NpgsqlParameter<long> { TypedValue = id }, cancellationToken), exception);
        }

        if (cacheById.Count >= MaxCachedKeys)
        {
            cacheById.Clear();
        }

        cacheById[id] = found;
        return found;
    }

    /// <summary>
    /// Creates a key, recorded in the audit trail in the same transaction: the one open on <paramref name="connection"/>
    /// (the caller commits), or else a transaction of its own.
    /// </summary>
    public async Task<CreatedApiKey> CreateAsync(string name, string role, AuditActor actor, CancellationToken cancellationToken, NpgsqlConnection? connection = null)
    {
        if (connection is null)
        {
            await using var own = await database.DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await own.BeginTransactionAsync(cancellationToken);
            var created = await InsertAsync(name, role, actor, own, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return created;
        }

        return await InsertAsync(name, role, actor, connection, cancellationToken);
    }

    private async Task<CreatedApiKey> InsertAsync(string name, string role, AuditActor actor, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var key = "pgaio_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        long id;
        await using (var command = new NpgsqlCommand(SiloSql.Get("Auth/InsertApiKey.sql"), connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = role });
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Hash(key) });
            id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        await AuditTrail.AppendAsync(connection, AuditActions.KeyCreated, $"keys/{id}", actor, cancellationToken);
        cache.TryRemove(key, out _);
        cacheById.TryRemove(id, out _);
        return new CreatedApiKey(id, name, role, key);
    }

    /// <summary>
    /// Creates a key in one transaction with <paramref name="idempotency"/>'s row (and its audit entry), the row holding the answer
    /// sealed with <paramref name="credential"/> (the caller's): a repeat of the key returns the key first created.
    /// </summary>
    public Task<CreatedApiKey> CreateOnceAsync(string name, string role, AuditActor actor, IdempotencyRow idempotency, string credential, CancellationToken cancellationToken) =>
        IdempotencyKeys.WriteAsync(
            database.DataSource, idempotency, (connection, _) => CreateAsync(name, role, actor, cancellationToken, connection),
            save: created => SealedResult.Seal(System.Text.Json.JsonSerializer.Serialize(created, Api.ApiJsonContext.Default.CreatedApiKey), credential),
            load: stored => System.Text.Json.JsonSerializer.Deserialize(SealedResult.Open(stored, credential), Api.ApiJsonContext.Default.CreatedApiKey)!,
            cancellationToken);

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(SiloSql.Get("Auth/ListApiKeys.sql"));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKey(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return keys;
    }

    /// <summary>False when there is no live key with this id; a revocation is recorded in the audit trail in its transaction.</summary>
    public async Task<bool> RevokeAsync(long id, AuditActor actor, CancellationToken cancellationToken)
    {
        var revoked = await AuditTrail.RunAsync(database.DataSource, AuditActions.KeyRevoked, $"keys/{id}", actor, async connection =>
        {
            await using var command = new NpgsqlCommand(SiloSql.Get("Auth/RevokeApiKey.sql"), connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            return await command.ExecuteScalarAsync(cancellationToken) is not null;
        }, cancellationToken);
        Forget();
        return revoked;
    }

    public Task OnListeningAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        Forget();
        return Task.CompletedTask;
    }

    public void OnNotification(string payload) => Forget();

    public void OnListenerLost() => Forget();

    private void Forget()
    {
        cache.Clear();
        cacheById.Clear();
    }

    private static async Task<ApiKey?> ReadAsync(NpgsqlDataSource dataSource, string sql, NpgsqlParameter parameter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SiloSql.Get(sql));
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new ApiKey(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), default) : null;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
