using Microsoft.Extensions.DependencyInjection;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Idempotency;
using PgAllInOne.GrainInterfaces.Search;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Idempotency;

/// <summary>
/// Idempotency keys on the grain calls (the cluster client's way), on a cluster of two silos: a repeat sent to the other
/// silo, and repeats from both silos at once, are answered as the first call and store once, whether the write runs in
/// one activation (a user, a device) or on the silo that got the call (users and documents are created by stateless
/// workers); scopes keep keys apart; another request under a key is refused.
/// </summary>
public sealed class IdempotencyGrainTests(IdempotencyGrainTests.TwoSilos cluster) : IClassFixture<IdempotencyGrainTests.TwoSilos>
{
    private IGrainFactory On(int silo) => cluster.Silo.Cluster.Silos[silo].ServiceProvider.GetRequiredService<IGrainFactory>();

    [Fact]
    public async Task ARepeatSentToTheOtherSilo_IsAnsweredAsTheFirst_AndStoresNothing()
    {
        var key = new IdempotencyKey("client:tests", "other-silo-user");
        var created = await On(0).GetGrain<IUserRegistryGrain>("any").Create(new NewUser("wanderer", "wanderer@example.com"), key);
        var again = await On(1).GetGrain<IUserRegistryGrain>("any").Create(new NewUser("wanderer", "wanderer@example.com"), key);
        Assert.Equal(created, again with { Profile = created.Profile });
        Assert.Equal(created.Profile.GetRawText(), again.Profile.GetRawText());

        var events = new IdempotencyKey("client:tests", "other-silo-events");
        Assert.Equal(2, await On(0).GetGrain<IUserGrain>(created.Id).RecordEvents([new NewEvent("a"), new NewEvent("b")], events));
        Assert.Equal(2, await On(1).GetGrain<IUserGrain>(created.Id).RecordEvents([new NewEvent("a"), new NewEvent("b")], events));

        var document = new IdempotencyKey("client:tests", "other-silo-document");
        var id = await On(0).GetGrain<IDocumentsGrain>("any").Add(new NewDocument("roaming", "roaming text"), document);
        Assert.Equal(id, await On(1).GetGrain<IDocumentsGrain>("any").Add(new NewDocument("roaming", "roaming text"), document));

        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM users WHERE username = 'wanderer'"));
        Assert.Equal(2L, await ScalarAsync($"SELECT count(*) FROM events WHERE user_id = {created.Id}"));
        Assert.Equal(2L, (await On(1).GetGrain<IUserGrain>(created.Id).Get())!.EventCount);
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM documents WHERE title = 'roaming'"));
    }

    [Fact]
    public async Task RepeatsFromBothSilosAtOnce_StoreOnce()
    {
        var user = await On(0).GetGrain<IUserRegistryGrain>("any").Create(new NewUser("crowd", "crowd@example.com"));
        var users = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            On(i % 2).GetGrain<IUserRegistryGrain>("any").Create(new NewUser("both", "both@example.com"), new IdempotencyKey("client:tests", "both-user"))));
        var events = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            On(i % 2).GetGrain<IUserGrain>(user.Id).RecordEvents([new NewEvent("once")], new IdempotencyKey("client:tests", "both-events"))));
        var readings = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            On(i % 2).GetGrain<IDeviceGrain>("both").Ingest([new MetricReading("m", 1), new MetricReading("m", 2)], new IdempotencyKey("client:tests", "both-readings"))));
        var documents = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            On(i % 2).GetGrain<IDocumentsGrain>("any").Add(new NewDocument("both", "from both silos"), new IdempotencyKey("client:tests", "both-document"))));

        Assert.Single(users.Select(u => u.Id).Distinct());
        Assert.All(events, count => Assert.Equal(1, count));
        Assert.All(readings, count => Assert.Equal(2, count));
        Assert.Single(documents.Distinct());
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM users WHERE username = 'both'"));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM events WHERE user_id = {user.Id}"));
        Assert.Equal(1L, (await On(0).GetGrain<IUserGrain>(user.Id).Get())!.EventCount);
        Assert.Equal(2L, await ScalarAsync("SELECT count(*) FROM metrics WHERE device_id = 'both'"));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM documents WHERE title = 'both'"));
    }

    [Fact]
    public async Task Scopes_KeepKeysApart_AndAnotherRequestUnderAKey_IsRefused()
    {
        var device = On(0).GetGrain<IDeviceGrain>("scoped");
        Assert.Equal(1, await device.Ingest([new MetricReading("s", 1)], new IdempotencyKey("client:a", "k")));
        Assert.Equal(1, await device.Ingest([new MetricReading("s", 1)], new IdempotencyKey("client:b", "k")));
        var reused = await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => device.Ingest([new MetricReading("s", 2)], new IdempotencyKey("client:a", "k")));
        Assert.Contains("'k' was used before for another request", reused.Message);
        await Assert.ThrowsAsync<ValidationException>(() => device.Ingest([new MetricReading("s", 3)], new IdempotencyKey("client:a", "no spaces")));
        Assert.Equal(2L, await ScalarAsync("SELECT count(*) FROM metrics WHERE device_id = 'scoped'"));
    }

    private Task<long> ScalarAsync(string sql) => Sql.CountAsync(cluster.Database, sql);

    /// <summary>Two silos on one database.</summary>
    public sealed class TwoSilos : IAsyncLifetime
    {
        public string Database { get; private set; } = "";

        public TestSilo Silo { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Database = await (await PostgresServer.InstanceAsync()).CreateDatabaseAsync();
            Silo = await TestSilo.StartAsync(Database, silos: 2);
        }

        public async Task DisposeAsync() => await Silo.DisposeAsync();
    }
}
