using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PgAllInOne.Runtime.Invocation;
using PgAllInOne.Runtime.Storage;
using PgAllInOne.Runtime.Timers;

namespace PgAllInOne.Runtime.Activation;

/// <summary>
/// One activation of a grain: its instance, its mailbox and the rules for which turn may start next.
/// Callers only append to a lock-free inbox; everything else (which turns wait, which run) is touched only by code
/// running on the activation's own one-at-a-time <see cref="ActivationTaskScheduler"/>, so it needs no lock.
/// </summary>
internal sealed class ActivationData
{
    private const int InlineTurnsBeforeYield = 256;

    private static readonly Action<object?> PumpAction = static state => ((ActivationData)state!).Pump();
    private static readonly Action<object?> CheckDeadlinesAction = static state => ((ActivationData)state!).CheckOwnedDeadlines();

    private readonly ConcurrentQueue<Turn> inbox = new();
    private readonly Catalog catalog;
    private readonly TaskCompletionSource deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object timersGate = new();

    // Owned by the activation's scheduler.
    private readonly Queue<Turn> waiting = new();
    private readonly List<Turn> running = new(2);
    private int exclusiveRunning;
    private bool activationStarted;
    private Turn? exclusiveTurn;
    private CallChain? exclusiveChain;

    private List<GrainTimer>? timers;
    private int state;
    private int pumpScheduled;
    private int load;
    private long lastActive = Environment.TickCount64;
    private volatile bool deactivateWhenDone;

    public ActivationData(GrainId id, GrainClassInfo grainClass, Catalog catalog, StatelessWorkerGroup? workerGroup = null)
    {
        Id = id;
        GrainClass = grainClass;
        this.catalog = catalog;
        WorkerGroup = workerGroup;
        Scheduler = new ActivationTaskScheduler(this);
    }

    public GrainId Id { get; }

    public GrainClassInfo GrainClass { get; }

    public StatelessWorkerGroup? WorkerGroup { get; }

    public ActivationTaskScheduler Scheduler { get; }

    public Grain? Instance { get; set; }

    public IReadOnlyList<IGrainStateLoader> States { get; set; } = [];

    public IGrainFactory GrainFactory => catalog.GrainFactory;

    public ILogger Log => catalog.Log;

    public Catalog Catalog => catalog;

    /// <summary>Completes once the activation is gone and removed from the catalog.</summary>
    public Task Deactivated => deactivated.Task;

    public DeactivationReason DeactivationReason { get; private set; }

    public ActivationState State => (ActivationState)Volatile.Read(ref state);

    /// <summary>
    /// Turns queued or running: exact for stateless workers, whose group balances on it; for other grains an estimate
    /// read without synchronization (enough for idle collection), which spares every call two contended atomics.
    /// </summary>
    public int Load => WorkerGroup is not null ? Volatile.Read(ref load) : (inbox.IsEmpty ? 0 : 1) + waiting.Count + running.Count;

    /// <summary>The call chain of the exclusive turn running now, made on first use; read on the scheduler only.</summary>
    public CallChain? ExclusiveChain => exclusiveTurn is null ? null : exclusiveChain ??= exclusiveTurn.CreateChain(this);

    public EnqueueResult TryEnqueue(Turn turn)
    {
        switch (State)
        {
            case ActivationState.Deactivating:
                return EnqueueResult.Deactivating;
            case ActivationState.Invalid:
                return EnqueueResult.Invalid;
            case ActivationState.Created:
                Interlocked.CompareExchange(ref state, (int)ActivationState.Activating, (int)ActivationState.Created);
                break;
        }

        Append(turn);
        if (State == ActivationState.Invalid)
        {
            // Gone between the check and the append: whatever is still in the inbox goes to a successor.
            RedeliverInbox();
        }

        return EnqueueResult.Accepted;
    }

    /// <summary>Queues work of the activation's own (timer ticks); refused once it is going away.</summary>
    public bool TryEnqueueInternal(Turn turn)
    {
        if (State != ActivationState.Valid)
        {
            return false;
        }

        Append(turn);
        return true;
    }

    /// <summary>Starts deactivation after whatever is already queued; false when already going or gone.</summary>
    public bool StartDeactivation(DeactivationReason reason)
    {
        while (true)
        {
            var current = State;
            if (current is ActivationState.Created or ActivationState.Activating)
            {
                // Let it finish activating first; its first turn's end starts the deactivation.
                DeactivationReason = reason;
                deactivateWhenDone = true;
                if (State == current)
                {
                    return true;
                }

                continue;
            }

            if (current != ActivationState.Valid)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref state, (int)ActivationState.Deactivating, (int)ActivationState.Valid) == (int)ActivationState.Valid)
            {
                DeactivationReason = reason;
                Append(new DeactivationTurn());
                return true;
            }
        }
    }

    public void RequestDeactivateOnIdle()
    {
        DeactivationReason = DeactivationReason.Requested;
        deactivateWhenDone = true;
    }

    /// <summary>True when nothing is queued or running and the last turn ended before <paramref name="tickCount"/> (ms).</summary>
    public bool IsIdleSince(long tickCount) =>
        State == ActivationState.Valid && Load == 0 && Volatile.Read(ref lastActive) < tickCount;

    /// <summary>Fails the callers of queued or running calls past their deadline.</summary>
    public void CheckDeadlines(long now)
    {
        foreach (var turn in inbox)
        {
            turn.CheckDeadline(now);
        }

        if (Load > 0)
        {
            StartOnScheduler(CheckDeadlinesAction);
        }
    }

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new GrainTimer(this, callback, dueTime, period);
        lock (timersGate)
        {
            (timers ??= []).Add(timer);
        }

        return timer;
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (timersGate)
        {
            timers?.Remove(timer);
        }
    }

    public void DisposeTimers()
    {
        GrainTimer[] current;
        lock (timersGate)
        {
            current = timers?.ToArray() ?? [];
        }

        foreach (var timer in current)
        {
            timer.Dispose();
        }
    }

    /// <summary>Called by the activation turn: the grain is ready for requests, or could not be created.</summary>
    public void CompleteActivation(Exception? failure)
    {
        if (failure is null)
        {
            Volatile.Write(ref state, (int)ActivationState.Valid);
            return;
        }

        Volatile.Write(ref state, (int)ActivationState.Invalid);
        catalog.OnActivationGone(this);
        deactivated.TrySetResult();
        foreach (var turn in DrainQueued())
        {
            turn.Abandon(failure);
        }
    }

    /// <summary>Called by the deactivation turn once the grain has flushed: hands anything left to a successor.</summary>
    public void CompleteDeactivation()
    {
        Volatile.Write(ref state, (int)ActivationState.Invalid);
        catalog.OnActivationGone(this);
        deactivated.TrySetResult();
        foreach (var turn in DrainQueued())
        {
            if (turn is Invocation.Invocation invocation)
            {
                catalog.Deliver(invocation);
            }
        }
    }

    private void AddLoad(int delta)
    {
        if (WorkerGroup is not null)
        {
            Interlocked.Add(ref load, delta);
        }
    }

    private void Append(Turn turn)
    {
        AddLoad(1);
        inbox.Enqueue(turn);
        if (Volatile.Read(ref pumpScheduled) == 0 && Interlocked.Exchange(ref pumpScheduled, 1) == 0)
        {
            StartOnScheduler(PumpAction);
        }
    }

    // Turns start with a clean execution context: nothing of whoever queued them (their call chain, their trace)
    // leaks into the grain's code.
    private void StartOnScheduler(Action<object?> action)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            Task.Factory.StartNew(action, this, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler);
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            Task.Factory.StartNew(action, this, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler);
        }
    }

    private void RedeliverInbox()
    {
        while (inbox.TryDequeue(out var turn))
        {
            AddLoad(-1);
            if (turn is Invocation.Invocation invocation)
            {
                catalog.Deliver(invocation);
            }
        }
    }

    // On the scheduler: everything waiting, for an activation that is gone.
    private List<Turn> DrainQueued()
    {
        var drained = new List<Turn>(waiting);
        waiting.Clear();
        while (inbox.TryDequeue(out var turn))
        {
            drained.Add(turn);
        }

        AddLoad(-drained.Count);
        return drained;
    }

    // On the scheduler.
    private void Pump()
    {
        Volatile.Write(ref pumpScheduled, 0);
        StartRunnable();
    }

    // On the scheduler: starts every turn the interleaving rules allow now.
    private void StartRunnable()
    {
        while (TakeNext() is { } turn)
        {
            _ = RunTurnAsync(turn);
        }
    }

    // On the scheduler: dequeues the next turn that may start now and counts it as running.
    private Turn? TakeNext()
    {
        if (State == ActivationState.Invalid)
        {
            return null;
        }

        if (!activationStarted)
        {
            activationStarted = true;
            AddLoad(1);
            return Begin(new ActivationTurn());
        }

        while (inbox.TryDequeue(out var arrived))
        {
            waiting.Enqueue(arrived);
        }

        while (waiting.TryPeek(out var next))
        {
            if (next.IsAbandoned)
            {
                waiting.Dequeue();
                AddLoad(-1);
                continue;
            }

            if (!CanStart(next))
            {
                return null;
            }

            return Begin(waiting.Dequeue());
        }

        return null;
    }

    private Turn Begin(Turn turn)
    {
        turn.RanExclusive = turn.IsLifecycle || (!GrainClass.IsReentrant && !turn.IsReadOnly);
        if (turn.RanExclusive)
        {
            exclusiveRunning++;
            exclusiveTurn = turn;
            exclusiveChain = null;
        }

        running.Add(turn);
        turn.Owner = this;
        return turn;
    }

    private bool CanStart(Turn next)
    {
        if (running.Count == 0)
        {
            return true;
        }

        if (exclusiveRunning > 0 || next.IsLifecycle)
        {
            return false;
        }

        return GrainClass.IsReentrant || next.IsReadOnly;
    }

    private void CheckOwnedDeadlines()
    {
        var now = Environment.TickCount64;
        foreach (var turn in running)
        {
            turn.CheckDeadline(now);
        }

        foreach (var turn in waiting)
        {
            turn.CheckDeadline(now);
        }
    }

    // On the scheduler. When a turn ends, the next queued one runs right here instead of being scheduled anew:
    // under load an activation drains its mailbox without a thread-pool hop per request.
    private async Task RunTurnAsync(Turn turn)
    {
        for (var inlined = 1; ; inlined++)
        {
            try
            {
                await turn.ExecuteAsync(this);
            }
            catch (Exception exception)
            {
                Log.TurnFailed(Id, exception);
            }

            running.Remove(turn);
            if (turn.RanExclusive)
            {
                exclusiveRunning--;
                exclusiveTurn = null;
                exclusiveChain = null;
            }

            AddLoad(-1);
            Volatile.Write(ref lastActive, Environment.TickCount64);
            if (deactivateWhenDone && State == ActivationState.Valid)
            {
                deactivateWhenDone = false;
                StartDeactivation(DeactivationReason);
            }

            var next = TakeNext();
            StartRunnable();
            if (next is null)
            {
                return;
            }

            turn = next;
            if (inlined % InlineTurnsBeforeYield == 0)
            {
                // Give the thread back now and then so one busy activation cannot hold it forever.
                await Task.Yield();
            }
        }
    }
}
