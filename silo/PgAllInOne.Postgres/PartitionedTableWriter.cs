namespace PgAllInOne.Postgres;

/// <summary>
/// Group commit into a range-partitioned table whose partitions are created ahead while writes go on: a batch that met
/// a partition being created commits again (<see cref="PartitionRace"/>) before the writer's failure policy applies.
/// </summary>
public abstract class PartitionedTableWriter<TPending, TResult>(string name, int maxRowsPerCommit, Func<TPending, int> rows)
    : GroupCommitWriter<TPending, TResult>(name, concurrency: 2, maxRowsPerCommit, rows)
    where TPending : PendingWrite<TResult>
{
    protected sealed override Task CommitAsync(List<TPending> batch) => PartitionRace.RetryAsync(() => CommitRowsAsync(batch));

    /// <summary>Stores the batch's rows in one transaction; answers each write once it has committed.</summary>
    protected abstract Task CommitRowsAsync(List<TPending> batch);
}
