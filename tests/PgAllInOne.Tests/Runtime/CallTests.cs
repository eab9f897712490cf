using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Runtime;

[Collection(PostgresCollection.Name)]
public sealed class CallTests(PostgresFixture postgres) : SiloTest(postgres)
{
    protected override IDictionary<string, string?>? Settings { get; } = new Dictionary<string, string?>
    {
        ["Runtime:ResponseTimeout"] = "00:00:02",
    };

    private ICallChainGrain Grain(string key) => Silo.Grains.GetGrain<ICallChainGrain>(key);

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

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task CancellingACall_StopsTheCallersWait_AndReachesTheGrain()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var started = DateTime.UtcNow;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Grain("cancelled").Sleep(1_800, cancellation.Token));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMilliseconds(1_000), "the caller should stop waiting when its token is cancelled");

        // The grain saw the same cancellation and ended its sleep early, so the next request starts at once.
        var next = DateTime.UtcNow;
        Assert.Equal("hello from cancelled", await Grain("cancelled").Hello());
        Assert.True(DateTime.UtcNow - next < TimeSpan.FromMilliseconds(900), "the grain should have stopped sleeping when the call was cancelled");
    }

    [Fact]
    public async Task ACallCycleBetweenNonReentrantGrains_FailsFastNamingTheCycle()
    {
        // Both activations exist first, so the time measured is the cycle's alone.
        await Grain("ping").Hello();
        await Grain("pong").Hello();
        var started = DateTime.UtcNow;

        var exception = await Assert.ThrowsAsync<GrainCallCycleException>(() => Grain("ping").CallPeerThatCallsBack("pong"));

        Assert.Contains("callchain/ping -> callchain/pong -> callchain/ping", exception.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1), "a cycle must fail at once, long before the 2 s response timeout");
    }
}
