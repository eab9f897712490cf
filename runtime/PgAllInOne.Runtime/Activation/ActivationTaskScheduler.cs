namespace PgAllInOne.Runtime.Activation;

/// <summary>
/// Runs an activation's tasks one at a time on the thread pool. Grain code awaits capture this scheduler, so an
/// activation's code never runs on two threads at once, even when its requests interleave.
/// </summary>
internal sealed class ActivationTaskScheduler(ActivationData activation) : TaskScheduler, IThreadPoolWorkItem
{
    // Run a bounded batch before yielding the thread so a busy activation cannot starve the others.
    private const int BatchSize = 64;

    [ThreadStatic]
    private static ActivationTaskScheduler? executing;

    private readonly Queue<Task> queue = new();
    private bool scheduled;

    public ActivationData Activation { get; } = activation;

    public override int MaximumConcurrencyLevel => 1;

    public int QueueLength
    {
        get
        {
            lock (queue)
            {
                return queue.Count;
            }
        }
    }

    protected override void QueueTask(Task task)
    {
        lock (queue)
        {
            queue.Enqueue(task);
            if (scheduled)
            {
                return;
            }

            scheduled = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    void IThreadPoolWorkItem.Execute()
    {
        executing = this;
        try
        {
            for (var i = 0; i < BatchSize; i++)
            {
                Task? task;
                lock (queue)
                {
                    if (!queue.TryDequeue(out task))
                    {
                        scheduled = false;
                        return;
                    }
                }

                TryExecuteTask(task);
            }
        }
        finally
        {
            executing = null;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        ReferenceEquals(executing, this) && !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (queue)
        {
            return [.. queue];
        }
    }
}
