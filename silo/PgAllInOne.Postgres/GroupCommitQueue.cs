using System.Threading.Channels;

namespace PgAllInOne.Postgres;

/// <summary>
/// The loop behind group commit: items from many callers queue here, and a few flushers each take whatever has
/// queued (up to a weight) and hand it to one flush, so that many callers share one round trip and one commit.
/// The flush answers the callers itself and must not throw. The queue is bounded: when the database cannot keep up,
/// a write is refused at once (and its caller told to come back) rather than queued without end.
/// </summary>
public sealed class GroupCommitQueue<TItem> : IAsyncDisposable
{
    /// <summary>Writes that may wait for their commit, unless the owner says otherwise.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly Channel<TItem> queue;
    private readonly Func<List<TItem>, Task> flush;
    private readonly Func<TItem, int> weight;
    private readonly int maxWeight;
    private readonly Task[] flushers;
    private readonly string name;
    private volatile bool closed;

    public GroupCommitQueue(string name, int concurrency, int maxWeight, Func<TItem, int> weight, Func<List<TItem>, Task> flush, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        queue = Channel.CreateBounded<TItem>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        this.name = name;
        this.flush = flush;
        this.weight = weight;
        this.maxWeight = maxWeight;
        flushers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(FlushLoopAsync)).ToArray();
        PostgresTelemetry.QueueOpened(this, name, () => queue.Reader.Count, capacity);
    }

    /// <summary>Queues the item for a commit, unless the queue is full or closed (the silo is stopping).</summary>
    public Enqueued TryEnqueue(TItem item) =>
        queue.Writer.TryWrite(item) ? Enqueued.Queued : closed ? Enqueued.Closed : Enqueued.Full;

    /// <summary>Closes the queue and waits until everything queued has been flushed.</summary>
    public async ValueTask DisposeAsync()
    {
        closed = true;
        queue.Writer.TryComplete();
        await Task.WhenAll(flushers);
        PostgresTelemetry.QueueClosed(this);
    }

    private async Task FlushLoopAsync()
    {
        var batch = new List<TItem>();
        while (await queue.Reader.WaitToReadAsync())
        {
            var total = 0;
            while (total < maxWeight && queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
                total += weight(item);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            PostgresTelemetry.GroupCommitted(name, batch.Count);
            await flush(batch);
            batch.Clear();
        }
    }
}
