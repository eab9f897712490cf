using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Runtime;

[Collection(PostgresCollection.Name)]
public sealed class TurnTests(PostgresFixture postgres) : SiloTest(postgres)
{
    [Fact]
    public async Task AThousandConcurrentReadModifyWrites_EndAtExactlyAThousand()
    {
        var counter = Silo.Grains.GetGrain<ICounterGrain>(Guid.NewGuid().ToString());

        await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(() => counter.IncrementNonAtomically())));

        Assert.Equal(1000, await counter.Get());
    }

    [Fact]
    public async Task Requests_NeverOverlap_EvenAcrossAwaits()
    {
        var probe = Silo.Grains.GetGrain<IInterleavingProbeGrain>(Guid.NewGuid().ToString());

        var maxSeen = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => probe.WriteSlowly(20)));

        Assert.Equal(1, maxSeen.Max());
    }

    [Fact]
    public async Task ReadOnlyRequests_InterleaveWithEachOther()
    {
        var probe = Silo.Grains.GetGrain<IInterleavingProbeGrain>(Guid.NewGuid().ToString());

        var maxSeen = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => probe.ReadSlowly(200)));

        Assert.True(maxSeen.Max() > 1, $"read-only requests should overlap, but at most {maxSeen.Max()} ran at once");
    }

    [Fact]
    public async Task AWriteRequest_WaitsForTheReadOnlyRequestsInFlight()
    {
        var probe = Silo.Grains.GetGrain<IInterleavingProbeGrain>(Guid.NewGuid().ToString());
        var reads = Enumerable.Range(0, 3).Select(_ => probe.ReadSlowly(150)).ToList();

        await probe.WriteSlowly(1);

        Assert.All(reads, read => Assert.True(read.IsCompleted, "the write ran while a read was still in flight"));
    }

    [Fact]
    public async Task AReentrantGrain_Interleaves()
    {
        var probe = Silo.Grains.GetGrain<IReentrantProbeGrain>(Guid.NewGuid().ToString());

        var maxSeen = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => probe.WriteSlowly(200)));

        Assert.True(maxSeen.Max() > 1, "a reentrant grain should interleave its requests");
    }

    [Fact]
    public async Task AStatelessWorker_RunsUpToItsMaximumOfLocalActivationsAtOnce()
    {
        var probe = Guid.NewGuid().ToString();
        var worker = Silo.Grains.GetGrain<IWorkerGrain>("pool");

        var maxSeen = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => worker.Work(probe, 150)));

        Assert.Equal(4, maxSeen.Max());
        Assert.Equal(4, WorkerGrain.Instances[probe].Count);
    }

    [Fact]
    public async Task TimerTicks_RunAsTurns_NeverDuringARequest()
    {
        var grain = Silo.Grains.GetGrain<ITimerGrain>(Guid.NewGuid().ToString());
        await grain.Start(periodMs: 10);

        for (var i = 0; i < 3; i++)
        {
            await grain.BusyRequest(200);
            await Task.Delay(50);
        }

        var stats = await grain.Stats();
        Assert.True(stats.Ticks > 3, $"the timer should have ticked between requests (ticked {stats.Ticks} times)");
        Assert.Equal(0, stats.TicksDuringRequest);
        Assert.Equal(0, stats.ConcurrentEntries);
    }
}
