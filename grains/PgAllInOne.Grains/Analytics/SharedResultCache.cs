using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using PgAllInOne.GrainInterfaces.Analytics;
using StackExchange.Redis;

namespace PgAllInOne.Grains.Analytics;

/// <summary>
/// Results shared through Redis when <c>ConnectionStrings:Redis</c> is set, over the silo's one multiplexer (connected
/// as the silo starts, closed as it stops). Redis is a help, never a dependency: a read that fails or outlasts
/// <see cref="AnalyticsOptions.RedisTimeout"/> is a miss, a write is never waited for, and the caller carries on with
/// PostgreSQL while the multiplexer reconnects in the background.
/// </summary>
public sealed partial class SharedResultCache : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConfigurationOptions? redisOptions;
    private readonly TimeSpan readTimeout;
    private readonly ILogger<SharedResultCache> logger;
    private ConnectionMultiplexer? redis;
    private int failing;

    public SharedResultCache(IConfiguration configuration, IOptions<AnalyticsOptions> options, ILoggerFactory loggerFactory)
    {
        logger = loggerFactory.CreateLogger<SharedResultCache>();
        readTimeout = options.Value.RedisTimeout;
        if (configuration.GetConnectionString("Redis") is { Length: > 0 } connectionString)
        {
            redisOptions = CreateOptions(connectionString, options.Value.RedisTimeout);
            redisOptions.LoggerFactory = loggerFactory;
        }
    }

    public bool IsConfigured => redisOptions is not null;

    /// <summary>
    /// The client's settings for a cache that must never hold a request up: the silo starts (and the multiplexer keeps
    /// reconnecting) while Redis is away; commands fail at once while disconnected rather than queue; a command that
    /// gets no answer fails after <paramref name="timeout"/>, which the heartbeat checks often enough to notice in time.
    /// </summary>
    internal static ConfigurationOptions CreateOptions(string connectionString, TimeSpan timeout)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        var milliseconds = Math.Max(1, (int)timeout.TotalMilliseconds);

        // Timeouts are found by the heartbeat: a command times out between AsyncTimeout and AsyncTimeout + one beat,
        // so the two together stay within the configured timeout.
        var heartbeat = Math.Clamp(milliseconds / 5, 5, 1000);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(heartbeat);
        options.AsyncTimeout = Math.Max(1, milliseconds - heartbeat);
        options.SyncTimeout = milliseconds;
        options.ConnectTimeout = milliseconds;

        // Reconnect soon after a restart, backing off to a few seconds while Redis stays away.
        options.ReconnectRetryPolicy = new ExponentialRetry(Math.Max(50, milliseconds / 2), Math.Max(2_000, milliseconds * 4));
        return options;
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SharedResultCache), ServiceLifecycleStage.ApplicationServices, ConnectAsync, _ => DisposeAsync().AsTask());

    /// <summary>Connects the multiplexer; with Redis away it returns a disconnected one that keeps trying.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (redisOptions is not null && redis is null)
        {
            redis = await ConnectionMultiplexer.ConnectAsync(redisOptions);
            if (!redis.IsConnected && Interlocked.Exchange(ref failing, 1) == 0)
            {
                LogRedisAway(logger, string.Join(',', redisOptions.EndPoints));
            }
        }
    }

    public async Task<AnalyticsResult?> TryGetAsync(string key)
    {
        if (redis is not { } multiplexer)
        {
            return null;
        }

        // The client's own timeout is found by its heartbeat, a timer that a busy machine runs late (a frozen Redis was
        // seen to hold a read 1.6 s with a 200 ms timeout), and while it reconnects to a restarted Redis the call itself
        // was seen to block its caller's thread for 3.3 s before returning a task: the read starts on a pool thread and
        // its own deadline is what bounds the caller. A read given up on still ends (the client's timeout fails it); its
        // failure is observed so that it is not reported.
        var read = Task.Run(() => multiplexer.GetDatabase().StringGetAsync(key));
        try
        {
            var value = await read.WaitAsync(readTimeout);
            Recovered();
            return value.IsNull ? null : JsonSerializer.Deserialize<AnalyticsResult>((byte[])value!, Json);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or JsonException or ObjectDisposedException)
        {
            _ = read.ContinueWith(static r => r.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            Failed(exception);
            return null;
        }
    }

    /// <summary>
    /// Sends the result to Redis, not waiting for it to be stored: a slow or absent Redis costs the caller nothing (sent
    /// from a pool thread, because the client may block the thread that calls it while it reconnects).
    /// </summary>
    public void TrySet(string key, AnalyticsResult result, TimeSpan ttl)
    {
        if (redis is not { } multiplexer || ttl <= TimeSpan.Zero)
        {
            return;
        }

        var value = JsonSerializer.SerializeToUtf8Bytes(result, Json);
        _ = Task.Run(() =>
        {
            try
            {
                _ = multiplexer.GetDatabase().StringSetAsync(key, value, ttl, flags: CommandFlags.FireAndForget);
            }
            catch (Exception exception) when (exception is RedisException or ObjectDisposedException)
            {
                Failed(exception);
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref redis, null) is { } multiplexer)
        {
            await multiplexer.CloseAsync();
            await multiplexer.DisposeAsync();
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

    [LoggerMessage(EventId = LogEvents.RedisUnavailable, Level = LogLevel.Warning, Message = "Redis is unavailable; analytic results are served from PostgreSQL until it is back")]
    private static partial void LogRedisFailing(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEvents.RedisNotYetReachable, Level = LogLevel.Warning, Message = "Redis at {EndPoints} is not reachable yet; analytic results are served from PostgreSQL until it is")]
    private static partial void LogRedisAway(ILogger logger, string endPoints);

    [LoggerMessage(EventId = LogEvents.RedisBack, Level = LogLevel.Information, Message = "Redis is back; analytic results are shared again")]
    private static partial void LogRedisBack(ILogger logger);
}
