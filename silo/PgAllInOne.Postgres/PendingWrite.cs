namespace PgAllInOne.Postgres;

/// <summary>A write waiting for its group commit (<see cref="GroupCommitWriter{TPending, TResult}"/>); it is answered through <see cref="Completion"/>.</summary>
public abstract record PendingWrite<TResult>
{
    public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The idempotency key guarding the write, stored in its batch's transaction (<see cref="IdempotencyKeys.InsertOf{TResult}"/>).</summary>
    public IdempotencyRow? Idempotency { get; init; }
}
