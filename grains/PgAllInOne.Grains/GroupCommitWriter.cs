using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Grains.Maintenance;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains;

/// <summary>A write waiting for its group commit; it is answered through <see cref="Completion"/>.</summary>
public abstract record PendingWrite<TResult>
{
    public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Group commit into a partitioned table: the writes of many grains queue, one commit stores a batch of them (again
/// if it met a partition being created), and each caller is answered only after that commit. Writes are validated
/// and normalized before they get here; should PostgreSQL still refuse a value, the batch is split in halves until
/// the writes that carry it fail alone (400) and all the others commit. A database that cannot be reached fails the
/// whole batch (503).
/// </summary>
public abstract class GroupCommitWriter<TPending, TResult> : IAsyncDisposable
    where TPending : PendingWrite<TResult>
{
    private readonly GroupCommitQueue<TPending> queue;
    private readonly string name;

    protected GroupCommitWriter(string name, int maxRowsPerCommit, Func<TPending, int> rows)
    {
        this.name = name;
        queue = new GroupCommitQueue<TPending>(name, concurrency: 2, maxRowsPerCommit, rows, FlushAsync);
    }

    /// <summary>Stops taking writes and waits until everything queued is committed.</summary>
    public async ValueTask DisposeAsync()
    {
        await queue.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected Task<TResult> EnqueueAsync(TPending pending)
    {
        if (QueueRefusal.For(queue.TryEnqueue(pending), "writes") is { } refusal)
        {
            pending.Completion.TrySetException(refusal);
        }

        return pending.Completion.Task;
    }

    /// <summary>Stores the batch in one transaction; answers each write once it has committed.</summary>
    protected abstract Task CommitAsync(List<TPending> batch);

    private async Task FlushAsync(List<TPending> batch)
    {
        try
        {
            await PartitionRace.RetryAsync(async () =>
            {
                await CommitAsync(batch);
                return true;
            });
        }
        catch (Exception exception) when (batch.Count > 1 && WriteFailures.IsOneWritesFault(exception))
        {
            // Nothing of the batch was stored (its transaction rolled back): each half commits, or splits again, on its own.
            var half = batch.Count / 2;
            await FlushAsync(batch.GetRange(0, half));
            await FlushAsync(batch.GetRange(half, batch.Count - half));
        }
        catch (Exception exception)
        {
            var error = WriteFailures.ForCaller(exception, name);
            batch.ForEach(p => p.Completion.TrySetException(error));
        }
    }
}
