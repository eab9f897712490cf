using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// Group commit: the writes of many callers queue, one commit stores a batch of them, and each caller is answered only
/// after that commit. What a failed commit means is decided here, once for every writer:
/// <list type="bullet">
/// <item>PostgreSQL refused a value one write carries (<see cref="PostgresFailure.IsOneWritesFault"/>): nothing of the
/// batch was stored, so it is split in halves until the writes that carry the value fail alone
/// (<see cref="WriteRefusedException"/>) and all the others commit;</item>
/// <item>the database cannot be reached, or refuses for a while: the whole batch fails with Npgsql's exception;</item>
/// <item>the connection was lost once the batch was on its way, so that its outcome was not seen: the writer asks the
/// <see cref="CommitLog"/> whether the batch's commit happened before it answers anyone. Committed: each write is answered
/// from what the database holds (<see cref="AnswerCommittedAsync"/>); not committed: the batch fails as above; no answer
/// within <see cref="CommitLog.ResolveWithin"/>: <see cref="CommitOutcomeUnknownException"/>;</item>
/// <item>the queue is full or closed, or the <see cref="CommitLog.Gate"/> is closed: the write is refused at once (<see cref="GroupCommitRefusedException"/>);</item>
/// <item>the gate closes while a batch is on its way (with synchronous backups its commit may wait in PostgreSQL until
/// the backup takes the WAL): its callers are answered <see cref="CommitOutcomeUnknownException"/> then, not kept
/// waiting, and the commit is still seen to its end.</item>
/// </list>
/// A commit answers each write of its batch itself, and may answer one of them with a failure of its own (a version
/// conflict) while the others succeed.
/// </summary>
public abstract class GroupCommitWriter<TPending, TResult> : IAsyncDisposable
    where TPending : PendingWrite<TResult>
{
    private readonly GroupCommitQueue<TPending> queue;
    private readonly CommitLog commitLog;
    private readonly string name;
    private readonly int capacity;

    /// <param name="name">What the writer stores (the <c>queue</c> tag of the group-commit metrics, and the messages' word for the writes).</param>
    /// <param name="commitLog">Where each batch's commit is logged, and looked up when its answer was lost.</param>
    /// <param name="concurrency">Batches in flight at once.</param>
    /// <param name="maxWeightPerCommit">Most weight (rows) one commit takes.</param>
    /// <param name="weight">The weight of a write.</param>
    /// <param name="capacity">Writes that may wait for their commit; beyond it a write is refused at once.</param>
    protected GroupCommitWriter(string name, CommitLog commitLog, int concurrency, int maxWeightPerCommit, Func<TPending, int> weight, int capacity = GroupCommitQueue<TPending>.DefaultCapacity)
    {
        this.name = name;
        this.commitLog = commitLog;
        this.capacity = capacity;
        queue = new GroupCommitQueue<TPending>(name, concurrency, maxWeightPerCommit, weight, FlushAsync, capacity);
    }

    /// <summary>Stops taking writes and waits until everything queued is committed.</summary>
    public async ValueTask DisposeAsync()
    {
        await queue.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Queues the write; the task completes once it is committed, or fails (refused at once when the queue is full or closed).</summary>
    protected Task<TResult> EnqueueAsync(TPending pending)
    {
        if (commitLog.Gate?.Refusal is { } refusal)
        {
            pending.Completion.TrySetException(Refused(refusal));
            return pending.Completion.Task;
        }

        var enqueued = queue.TryEnqueue(pending);
        if (enqueued != Enqueued.Queued)
        {
            pending.Completion.TrySetException(new GroupCommitRefusedException(enqueued, enqueued == Enqueued.Full
                ? $"{capacity} writes are waiting for PostgreSQL; nothing was written, try again."
                : $"The process is stopping; {name} can no longer be stored here."));
        }

        return pending.Completion.Task;
    }

    /// <summary>
    /// Stores the batch in one transaction, on a connection from <see cref="GroupCommit.ConnectAsync"/> and with
    /// <see cref="GroupCommit.LogEntry"/> in it; answers each write once it has committed. Throws when nothing was stored,
    /// or when the answer was lost.
    /// </summary>
    protected abstract Task CommitAsync(List<TPending> batch, GroupCommit commit);

    /// <summary>
    /// The batch committed but its answer was lost: answers each write from what the database holds now, read on the
    /// connection that found the commit in the log.
    /// </summary>
    protected abstract Task AnswerCommittedAsync(List<TPending> batch, NpgsqlConnection connection, CancellationToken cancellationToken);

    private async Task FlushAsync(List<TPending> batch)
    {
        if (commitLog.Gate is not { } gate)
        {
            await FlushBatchAsync(batch);
            return;
        }

        if (gate.Refusal is { } refusal)
        {
            // Closed since these writes were queued: nothing of them is sent, so nothing is stored.
            var refused = Refused(refusal);
            batch.ForEach(p => p.Completion.TrySetException(refused));
            return;
        }

        var flushing = FlushBatchAsync(batch);
        try
        {
            await flushing.WaitAsync(gate.Closing);
        }
        catch (OperationCanceledException)
        {
            // Its commit may be waiting for what closed the gate, and be released only once that passes: the callers hear
            // now that it may be stored (those it answered already keep their answer); the commit is awaited to its end
            // all the same, so that its connection returns.
            var unknown = new CommitOutcomeUnknownException(
                $"{gate.Refusal ?? "Writes stopped being taken"}; the {name} of this request were being committed and may be stored (they are once it passes). Read back what they would have changed before sending them again.",
                new TimeoutException("The write gate closed while the commit was on its way."));
            batch.ForEach(p => p.Completion.TrySetException(unknown));
            await flushing;
        }
    }

    private static GroupCommitRefusedException Refused(string refusal) => new(Enqueued.Full, $"{refusal}; nothing was written, try again.");

    private async Task FlushBatchAsync(List<TPending> batch)
    {
        var commit = commitLog.Begin();
        try
        {
            await CommitAsync(batch, commit);
        }
        catch (Exception exception) when (batch.Count > 1 && PostgresFailure.IsOneWritesFault(exception))
        {
            // Nothing of the batch was stored (its transaction rolled back): each half commits, or splits again, on its own.
            var half = batch.Count / 2;
            await FlushAsync(batch.GetRange(0, half));
            await FlushAsync(batch.GetRange(half, batch.Count - half));
        }
        catch (Exception exception) when (commit.Sending && PostgresFailure.IsAnswerLost(exception))
        {
            await ResolveAsync(batch, commit, exception);
        }
        catch (Exception exception)
        {
            var error = ForCallers(exception);
            batch.ForEach(p => p.Completion.TrySetException(error));
        }
    }

    // Nobody is answered before the commit log says what became of the batch.
    private async Task ResolveAsync(List<TPending> batch, GroupCommit commit, Exception lost)
    {
        var unknown = new CommitOutcomeUnknownException(
            $"The connection to PostgreSQL was lost as the {name} of this request were committed, and PostgreSQL could not be asked within {commitLog.ResolveWithin.TotalSeconds:0.#} s whether they were stored; they may have been. Read back what they would have changed before sending them again.",
            lost);
        Exception? error;
        try
        {
            var outcome = await commitLog.ResolveAsync(name, commit, batch.Count, (connection, cancellationToken) => AnswerCommittedAsync(batch, connection, cancellationToken));
            error = outcome switch
            {
                CommitOutcome.Committed => null,
                CommitOutcome.NotCommitted => ForCallers(lost),
                _ => unknown,
            };
        }
        catch (Exception exception)
        {
            // Asking failed otherwise than by the database being away (the flush must not throw): nothing is known.
            error = new CommitOutcomeUnknownException(unknown.Message, exception);
        }

        if (error is not null)
        {
            batch.ForEach(p => p.Completion.TrySetException(error));
        }
    }

    private Exception ForCallers(Exception exception) => exception switch
    {
        PostgresException pg when PostgresFailure.IsOneWritesFault(pg) =>
            new WriteRefusedException($"PostgreSQL refused the {name} of this request ({pg.MessageText}); none of them were stored.", pg),
        PostgresException pg when PostgresFailure.IsTransient(pg) => new NpgsqlException("PostgreSQL cannot take writes now; try again.", pg),
        not NpgsqlException when PostgresFailure.IsOneWritesFault(exception) =>
            new WriteRefusedException($"The {name} of this request carry a value that cannot be stored; none of them were stored.", exception),
        _ => exception,
    };
}
