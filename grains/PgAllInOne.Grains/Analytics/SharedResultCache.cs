using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PgAllInOne.GrainInterfaces.Analytics;
using StackExchange.Redis;

namespace PgAllInOne.Grains.Analytics;

/// <summary>
/// Results shared through Redis when <c>ConnectionStrings:Redis</c> is set. Redis is a help, never a dependency: any
/// failure or timeout reads as a miss (or a skipped write), and the caller carries on with PostgreSQL.
/// </summary>
public sealed partial class SharedResultCache : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Lazy<Task<ConnectionMultiplexer>>? redis;
    private readonly TimeSpan timeout;
    private readonly ILogger<SharedResultCache> logger;
    private int failing;

    public SharedResultCache(IConfiguration configuration, IOptions<AnalyticsOptions> options, ILogger<SharedResultCache> logger)
    {
        this.logger = logger;
        timeout = options.Value.RedisTimeout;
        if (configuration.GetConnectionString("Redis") is { Length: > 0 } connectionString)
        {
            var redisOptions = ConfigurationOptions.Parse(connectionString);
            redisOptions.AbortOnConnectFail = false; // start, and keep reconnecting, while Redis is away
            redisOptions.ConnectTimeout = (int)timeout.TotalMilliseconds;
            redisOptions.SyncTimeout = (int)timeout.TotalMilliseconds;
            redis = new(() => ConnectionMultiplexer.ConnectAsync(redisOptions));
        }
    }

    public bool IsConfigured => redis is not null;

    public async Task<AnalyticsResult?> TryGetAsync(string key)
    {
        if (redis is null)
        {
            return null;
        }

        try
        {
            var database = (await redis.Value.WaitAsync(timeout)).GetDatabase();
            var value = await database.StringGetAsync(key).WaitAsync(timeout);
            Recovered();
            return value.IsNull ? null : JsonSerializer.Deserialize<AnalyticsResult>((byte[])value!, Json);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or JsonException or ObjectDisposedException)
        {
            Failed(exception);
            return null;
        }
    }

    public async Task TrySetAsync(string key, AnalyticsResult result, TimeSpan ttl)
    {
        if (redis is null || ttl <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            var database = (await redis.Value.WaitAsync(timeout)).GetDatabase();
            await database.StringSetAsync(key, JsonSerializer.SerializeToUtf8Bytes(result, Json), ttl).WaitAsync(timeout);
            Recovered();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
        {
            Failed(exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (redis is { IsValueCreated: true })
        {
            try
            {
                (await redis.Value).Dispose();
            }
            catch (RedisException)
            {
                // Never connected: nothing to close.
            }
        }
    }

    private void Failed(Exception exception)
    {
        if (Interlocked.Exchange(ref failing, 1) == 0)
        {
            LogRedisFailing(logger, exception);
        }
    }

    private void Recovered()
    {
        if (Interlocked.Exchange(ref failing, 0) == 1)
        {
            LogRedisBack(logger);
        }
    }

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Redis is unavailable; analytic results are served from PostgreSQL until it is back")]
    private static partial void LogRedisFailing(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Redis is back; analytic results are shared again")]
    private static partial void LogRedisBack(ILogger logger);
}
