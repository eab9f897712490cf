using System.Diagnostics;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.CallCycles;

/// <summary>The call-cycle detection that fails A → B → A at once instead of letting it wait out the response timeout.</summary>
public sealed class CallCycleDetectionTests(SharedSilo shared) : IClassFixture<SharedSilo>
{
    private TestSilo Silo => shared.Silo;

    private ICallChainGrain Grain(string key) => Silo.Grains.GetGrain<ICallChainGrain>(key);

    [Fact]
    public async Task ACycleOfNonReentrantGrains_FailsAtOnce_NamingTheCycle()
    {
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<GrainCallCycleException>(() => Grain("a").CallPeerThatCallsBack("b"));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Contains("callchain/a → callchain/b → callchain/a", error.Message, StringComparison.Ordinal);
        Assert.Equal("hello from b", await Grain("b").Hello()); // neither grain is stuck
    }

    [Fact]
    public async Task AGrainCallingItself_FailsAtOnce()
    {
        var error = await Assert.ThrowsAsync<GrainCallCycleException>(() => Grain("self").CallSelf());
        Assert.Contains("callchain/self → callchain/self", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACallBackIntoAnInterleavingMethod_GoesThrough() =>
        Assert.Equal("hello from c", await Grain("c").CallPeerThatCallsBackInterleaved("d"));

    [Fact]
    public async Task CallChainReentrancy_GoesThrough() =>
        Assert.Equal("hello from e", await Grain("e").CallPeerThatCallsBackReentrantly("f"));

    [Fact]
    public async Task ChainsWithoutACycle_GoThrough()
    {
        Assert.Equal("g got: hello from h", await Grain("g").GreetPeer("h"));
        Assert.Equal("h got: hello from g", await Grain("h").GreetPeer("g"));
    }

    [Fact]
    public async Task ACycleThroughThreeGrains_FailsAtOnce_NamingEveryLink()
    {
        var error = await Assert.ThrowsAsync<GrainCallCycleException>(() => Grain("p").Relay(["q", "r", "p"]));
        Assert.Contains("callchain/p → callchain/q → callchain/r → callchain/p", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALongChainWithoutACycle_GoesThrough() =>
        Assert.Equal("end at v", await Grain("s").Relay(["t", "u", "v"]));

    [Fact]
    public async Task SeveralCallsInOneRequest_CarryTheSameChain()
    {
        // The second call must not see the first one's link twice, nor a link of the first callee.
        Assert.Equal("w got: hello from x; w got: hello from y", await Grain("w").GreetBoth("x", "y"));
        var error = await Assert.ThrowsAsync<GrainCallCycleException>(() => Grain("w2").Relay(["x2", "w2"]));
        Assert.Contains("callchain/w2 → callchain/x2 → callchain/w2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReentrantGrain_TakesCallsWhileItWaits()
    {
        var probe = Silo.Grains.GetGrain<IReentrantProbeGrain>("reentrant");
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => probe.WriteSlowly(200)));
        Assert.True(results.Max() > 1);
    }

    [Fact]
    public async Task ANonReentrantGrain_StillRunsOneRequestAtATime()
    {
        var counter = Silo.Grains.GetGrain<ICounterGrain>("turns");
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => counter.IncrementNonAtomically()));
        Assert.Equal(50, await counter.Get());
    }
}
