using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Runtime;

[Collection(PostgresCollection.Name)]
public sealed class CallTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestSilo silo = null!;

    public async Task InitializeAsync() => silo = await TestSilo.StartAsync(await postgres.CreateDatabaseAsync(), new Dictionary<string, string?>
    {
        ["Runtime:ResponseTimeout"] = "00:00:00.500",
    });

    public async Task DisposeAsync() => await silo.DisposeAsync();

    private ICallChainGrain Grain(string key) => silo.Grains.GetGrain<ICallChainGrain>(key);

    [Fact]
    public async Task AGrain_CallsAnotherGrain()
    {
        Assert.Equal("a1 got: hello from b1", await Grain("a1").GreetPeer("b1"));
    }

    [Fact]
    public async Task AGrainsException_ReachesTheCallerWithItsTypeAndMessage()
    {
        var exception = await Assert.ThrowsAsync<GrainTestException>(() => Grain("thrower").Fail("the widget is broken"));

        Assert.Equal("the widget is broken", exception.Message);
    }

    [Fact]
    public async Task AGrainStaysUsableAfterAnException()
    {
        await Assert.ThrowsAsync<GrainTestException>(() => Grain("survivor").Fail("once"));

        Assert.Equal("hello from survivor", await Grain("survivor").Hello());
    }

    [Fact]
    public async Task ACallOverItsResponseTimeout_FailsWithATimeout()
    {
        var started = DateTime.UtcNow;

        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => Grain("sleeper").Sleep(10_000, CancellationToken.None));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the timeout should fire near 500 ms, not at the end of the sleep");
    }

    [Fact]
    public async Task CancellingACall_StopsTheCallersWait_AndReachesTheGrain()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var started = DateTime.UtcNow;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Grain("cancelled").Sleep(400, cancellation.Token));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMilliseconds(390), "the caller should stop waiting when its token is cancelled");

        // The grain saw the same cancellation and ended its sleep early, so the next request starts at once.
        var next = DateTime.UtcNow;
        Assert.Equal("hello from cancelled", await Grain("cancelled").Hello());
        Assert.True(DateTime.UtcNow - next < TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task ACallCycleBetweenNonReentrantGrains_FailsFastNamingTheCycle()
    {
        var started = DateTime.UtcNow;

        var exception = await Assert.ThrowsAsync<GrainCallCycleException>(() => Grain("ping").CallPeerThatCallsBack("pong"));

        Assert.Contains("callchain/ping -> callchain/pong -> callchain/ping", exception.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMilliseconds(400), "a cycle must fail before any timeout");
    }
}
