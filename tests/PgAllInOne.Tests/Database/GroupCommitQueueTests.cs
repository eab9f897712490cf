using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Grains;
using PgAllInOne.Postgres;

namespace PgAllInOne.Tests.Database;

/// <summary>The group-commit queue is bounded: when commits cannot keep up, a write is refused at once, not queued without end.</summary>
public sealed class GroupCommitQueueTests
{
    [Fact]
    public async Task AFullQueue_RefusesAtOnce_AndAClosedOne_RefusesAsTheSiloStops()
    {
        var flushing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flushed = 0;
        var queue = new GroupCommitQueue<int>("test", concurrency: 1, maxWeight: 1, _ => 1, async batch =>
        {
            flushing.TrySetResult();
            await release.Task; // a commit that does not come back: PostgreSQL is behind
            Interlocked.Add(ref flushed, batch.Count);
        }, capacity: 3);

        Assert.Equal(Enqueued.Queued, queue.TryEnqueue(0));
        await flushing.Task; // the first is being committed; three more may wait
        Assert.All(Enumerable.Range(1, 3), i => Assert.Equal(Enqueued.Queued, queue.TryEnqueue(i)));
        Assert.Equal(Enqueued.Full, queue.TryEnqueue(4));
        Assert.IsType<OverloadedException>(QueueRefusal.For(Enqueued.Full, "writes"));

        release.SetResult();
        await queue.DisposeAsync(); // drains what was queued
        Assert.Equal(4, flushed);
        Assert.Equal(Enqueued.Closed, queue.TryEnqueue(5));
        Assert.IsType<SiloUnavailableException>(QueueRefusal.For(Enqueued.Closed, "writes"));
        Assert.Null(QueueRefusal.For(Enqueued.Queued, "writes"));
    }
}
