using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.OrleansExtensions;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Analytics;

/// <summary>The query-result cache: single flight, TTL, invalidation on every silo, sharing through Redis and life without it.</summary>
public sealed class QueryCacheTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    internal static readonly DateTimeOffset From = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    internal static readonly AnalyticsQuery ByType = AnalyticsQuery.Events("type", From, From.AddDays(30));

    private RedisServer redis = null!;
    private string database = "";

    public async Task InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        database = await postgres.CreateDatabaseAsync();
    }

    public async Task DisposeAsync() => await redis.DisposeAsync();

    [Fact]
    public async Task ConcurrentIdenticalQueries_ComputeOnce_AndLaterOnesAreHits()
    {
        await using var silo = await TestSilo.StartAsync(database);
        await AddEventsAsync(10);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => silo.Grains.QueryAnalyticsAsync(ByType)));

        Assert.Single(results, r => !r.Hit);
        Assert.All(results, r =>
        {
            Assert.Equal(results[0].Result.ComputedAt, r.Result.ComputedAt);
            Assert.Equal<EventGroupRow>(results[0].Result.Events, r.Result.Events);
        });
        Assert.Equal(10, results[0].Result.Events.Sum(r => r.Count));
        Assert.True((await silo.Grains.QueryAnalyticsAsync(ByType with { GroupBy = "TYPE" })).Hit, "the normalized query is the same entry");
    }

    [Fact]
    public async Task CachedResults_LastTheirTtl_ThenAreComputedAgain()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = await TestSilo.StartAsync(database, new Dictionary<string, string?> { ["Analytics:CacheTtl"] = "00:00:01" }, clock: clock);
        await AddEventsAsync(3);
        Assert.False((await silo.Grains.QueryAnalyticsAsync(ByType)).Hit);
        await AddEventsAsync(2);

        var cached = await silo.Grains.QueryAnalyticsAsync(ByType);
        clock.Advance(TimeSpan.FromSeconds(1.2));
        var fresh = await silo.Grains.QueryAnalyticsAsync(ByType);

        Assert.Equal((true, 3L), (cached.Hit, cached.Result.Events.Sum(r => r.Count)));
        Assert.Equal((false, 5L), (fresh.Hit, fresh.Result.Events.Sum(r => r.Count)));
    }

    [Fact]
    public async Task WithAZeroTtl_EveryRequestComputes_AndNoResultIsSaved()
    {
        await using var silo = await TestSilo.StartAsync(database, new Dictionary<string, string?> { ["Analytics:CacheTtl"] = "00:00:00" });
        await AddEventsAsync(3);
        var first = await silo.Grains.QueryAnalyticsAsync(ByType);
        await AddEventsAsync(2);
        var second = await silo.Grains.QueryAnalyticsAsync(ByType);

        Assert.Equal((false, 3L), (first.Hit, first.Result.Events.Sum(r => r.Count)));
        Assert.Equal((false, 5L), (second.Hit, second.Result.Events.Sum(r => r.Count)));
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var saved = dataSource.CreateCommand("SELECT count(*) FROM grain_state WHERE grain_type = 'querycache'");
        Assert.Equal(0L, await saved.ExecuteScalarAsync()); // a result no request can be served from is not written
    }

    [Fact]
    public async Task Invalidation_DropsResultsKeptOnEverySilo()
    {
        database = await postgres.CreateDatabaseAsync();
        await using var cluster = await TestSilo.StartAsync(database, silos: 2);
        await AddEventsAsync(4);
        var queries = Enumerable.Range(1, 8).Select(days => AnalyticsQuery.Events("type", From, From.AddDays(days + 30))).ToList();
        foreach (var query in queries)
        {
            Assert.False((await cluster.Grains.QueryAnalyticsAsync(query)).Hit);
        }

        await AddEventsAsync(1);
        Assert.All(await Task.WhenAll(queries.Select(cluster.Grains.QueryAnalyticsAsync)), r => Assert.Equal(4, r.Result.Events.Sum(e => e.Count)));

        await cluster.Grains.GetGrain<IQueryCacheInvalidator>("any").Invalidate();

        // Every silo hears of it through PostgreSQL within moments.
        await Eventually.TrueAsync(
            async () => (await Task.WhenAll(queries.Select(cluster.Grains.QueryAnalyticsAsync))).All(r => r.Result.Events.Sum(e => e.Count) == 5),
            "every cache entry, on both silos, to show the new event",
            TimeSpan.FromSeconds(5));
    }

    [Fact]
    [Trait("Category", "EndToEnd")] // silos restarted
    public async Task Results_AreSharedThroughRedis_AcrossSiloRestarts_UntilInvalidated()
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.ConnectionString };
        await using (var first = await TestSilo.StartAsync(database, settings))
        {
            await AddEventsAsync(6);
            Assert.False((await first.Grains.QueryAnalyticsAsync(ByType)).Hit);
            Assert.True(StoredInRedis(), "stored in redis");
        }

        await AddEventsAsync(1);
        await ForgetSavedResultsAsync(); // so that only Redis can answer the second silo
        await using var second = await TestSilo.StartAsync(database, settings);

        var shared = await second.Grains.QueryAnalyticsAsync(ByType);
        await second.Grains.GetGrain<IQueryCacheInvalidator>("any").Invalidate();
        var fresh = await second.Grains.QueryAnalyticsAsync(ByType);

        Assert.Equal((true, 6L), (shared.Hit, shared.Result.Events.Sum(r => r.Count)));
        Assert.Equal((false, 7L), (fresh.Hit, fresh.Result.Events.Sum(r => r.Count)));
    }

    [Fact]
    public async Task WithRedisDown_QueriesAreStillAnswered_AndSharingResumesWhenItIsBack()
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.ConnectionString };
        await redis.StopAsync();
        await using (var silo = await TestSilo.StartAsync(database, settings))
        {
            await AddEventsAsync(2);
            var computed = await silo.Grains.QueryAnalyticsAsync(ByType);
            var again = await silo.Grains.QueryAnalyticsAsync(ByType);
            Assert.Equal((false, true, 2L), (computed.Hit, again.Hit, again.Result.Events.Sum(r => r.Count)));

            await redis.StartAgainAsync();
            var days = 30;
            await Eventually.TrueAsync(
                async () => (await silo.Grains.QueryAnalyticsAsync(ByType with { To = From.AddDays(++days) })).Result.Events.Length == 1 && StoredInRedis(),
                "the silo to store results in Redis again",
                TimeSpan.FromSeconds(15));
        }
    }

    [Fact]
    public async Task WhileItsSavedCopyCannotBeRead_AQueryIsAnsweredFromTheWorkers_NotCached_AndCachedAgainOnceItCan()
    {
        // Reads of grain state (only the cache grain's here) lose their answer, as they do while there is no primary.
        await using var proxy = CommitCuttingProxy.Start(database, OrleansExtensionsSql.Get("GrainStorage/ReadGrainState.sql"));
        await using var silo = await TestSilo.StartAsync(proxy.ConnectionString);
        await AddEventsAsync(3);

        proxy.CutNextCommits(2); // the activation's read, then the miss's read again
        var first = await silo.Grains.QueryAnalyticsAsync(ByType);
        var cuts = proxy.Cuts;
        await AddEventsAsync(1);
        var second = await silo.Grains.QueryAnalyticsAsync(ByType); // read now: nothing saved, computed, kept and saved
        await AddEventsAsync(1);
        var third = await silo.Grains.QueryAnalyticsAsync(ByType);

        Assert.Equal(2, cuts);
        Assert.Equal((false, 3L), (first.Hit, first.Result.Events.Sum(r => r.Count)));
        Assert.Equal((false, 4L), (second.Hit, second.Result.Events.Sum(r => r.Count)));
        Assert.Equal((true, 4L), (third.Hit, third.Result.Events.Sum(r => r.Count)));
        await Eventually.TrueAsync(async () => await Sql.CountAsync(database, "SELECT count(*) FROM grain_state WHERE grain_type = 'querycache'") == 1, "the result to be saved");
    }

    [Fact]
    [Trait("Category", "EndToEnd")] // a silo stopped and another started
    public async Task AResult_OutlivesItsSilo_AsGrainState_UntilInvalidated()
    {
        await using (var first = await TestSilo.StartAsync(database))
        {
            await AddEventsAsync(3);
            Assert.False((await first.Grains.QueryAnalyticsAsync(ByType)).Hit);
        }

        await AddEventsAsync(1);
        await using var second = await TestSilo.StartAsync(database);
        var kept = await second.Grains.QueryAnalyticsAsync(ByType);
        await second.Grains.GetGrain<IQueryCacheInvalidator>("any").Invalidate();
        var fresh = await second.Grains.QueryAnalyticsAsync(ByType);

        Assert.Equal((true, 3L), (kept.Hit, kept.Result.Events.Sum(r => r.Count)));
        Assert.Equal((false, 4L), (fresh.Hit, fresh.Result.Events.Sum(r => r.Count)));
    }

    private Task ForgetSavedResultsAsync() => ForgetSavedResultsAsync(database);

    private bool StoredInRedis() => StoredInRedis(redis);

    private Task AddEventsAsync(int count) => AddEventsAsync(database, count);

    internal static async Task ForgetSavedResultsAsync(string database)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var command = dataSource.CreateCommand("DELETE FROM grain_state WHERE grain_type = 'querycache'");
        Assert.True(await command.ExecuteNonQueryAsync() > 0);
    }

    internal static bool StoredInRedis(RedisServer redis)
    {
        using var connection = StackExchange.Redis.ConnectionMultiplexer.Connect(redis.ConnectionString);
        return connection.GetServer(redis.ConnectionString).Keys(pattern: "pgaio:*").Any();
    }

    internal static async Task AddEventsAsync(string database, int count)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var command = dataSource.CreateCommand("INSERT INTO events (user_id, type, occurred_at) SELECT 1, 'visit', $1 + i * interval '1 minute' FROM generate_series(1, $2) AS i");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = From.AddDays(2) });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        await command.ExecuteNonQueryAsync();
    }
}
