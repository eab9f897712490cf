using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PgAllInOne.Runtime.Invocation;
using PgAllInOne.Runtime.Storage;
using PgAllInOne.Runtime.Timers;

namespace PgAllInOne.Runtime.Activation;

/// <summary>
/// One activation of a grain: its instance, its mailbox and the rules for which turn may start next. All of its
/// turns run on its own <see cref="ActivationTaskScheduler"/>.
/// </summary>
internal sealed class ActivationData
{
    private static readonly Action<object?> RunTurnAction = static state =>
    {
        var turn = (Turn)state!;
        _ = turn.Owner.RunTurnAsync(turn);
    };

    private readonly object gate = new();
    private readonly Queue<Turn> waiting = new();
    private readonly List<Turn> running = new(2);
    private readonly Catalog catalog;
    private readonly TaskCompletionSource deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<GrainTimer>? timers;
    private ActivationState state;
    private int exclusiveRunning;
    private bool deactivateOnIdle;
    private long lastActive = Stopwatch.GetTimestamp();

    public ActivationData(GrainId id, GrainClassInfo grainClass, Catalog catalog, StatelessWorkerGroup? workerGroup = null)
    {
        Id = id;
        GrainClass = grainClass;
        this.catalog = catalog;
        WorkerGroup = workerGroup;
    }

    public GrainId Id { get; }

    public GrainClassInfo GrainClass { get; }

    public StatelessWorkerGroup? WorkerGroup { get; }

    public ActivationTaskScheduler Scheduler { get; } = new();

    public Grain? Instance { get; set; }

    public IReadOnlyList<IGrainStateLoader> States { get; set; } = [];

    public IGrainFactory GrainFactory => catalog.GrainFactory;

    public ILogger Log => catalog.Log;

    public Catalog Catalog => catalog;

    /// <summary>Completes once the activation is gone and removed from the catalog.</summary>
    public Task Deactivated => deactivated.Task;

    public DeactivationReason DeactivationReason { get; private set; }

    public ActivationState State
    {
        get
        {
            lock (gate)
            {
                return state;
            }
        }
    }

    /// <summary>Requests waiting plus requests running: what a stateless worker group balances on.</summary>
    public int Load
    {
        get
        {
            lock (gate)
            {
                return waiting.Count + running.Count;
            }
        }
    }

    public EnqueueResult TryEnqueue(Turn turn)
    {
        lock (gate)
        {
            switch (state)
            {
                case ActivationState.Deactivating:
                    return EnqueueResult.Deactivating;
                case ActivationState.Invalid:
                    return EnqueueResult.Invalid;
                case ActivationState.Created:
                    state = ActivationState.Activating;
                    waiting.Enqueue(new ActivationTurn());
                    break;
            }

            waiting.Enqueue(turn);
            Pump();
            return EnqueueResult.Accepted;
        }
    }

    /// <summary>Queues work of the activation's own (timer ticks); refused once it is going away.</summary>
    public bool TryEnqueueInternal(Turn turn)
    {
        lock (gate)
        {
            if (state != ActivationState.Valid)
            {
                return false;
            }

            waiting.Enqueue(turn);
            Pump();
            return true;
        }
    }

    /// <summary>Starts deactivation after whatever is already queued; returns false when not active.</summary>
    public bool StartDeactivation(DeactivationReason reason)
    {
        lock (gate)
        {
            if (state != ActivationState.Valid)
            {
                return false;
            }

            state = ActivationState.Deactivating;
            DeactivationReason = reason;
            waiting.Enqueue(new DeactivationTurn());
            Pump();
            return true;
        }
    }

    public void RequestDeactivateOnIdle()
    {
        lock (gate)
        {
            deactivateOnIdle = true;
        }
    }

    public bool IsIdleSince(long timestamp)
    {
        lock (gate)
        {
            return state == ActivationState.Valid && running.Count == 0 && waiting.Count == 0 && lastActive < timestamp;
        }
    }

    public void CheckDeadlines(long now)
    {
        lock (gate)
        {
            foreach (var turn in running)
            {
                turn.CheckDeadline(now);
            }

            foreach (var turn in waiting)
            {
                turn.CheckDeadline(now);
            }
        }
    }

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new GrainTimer(this, callback, dueTime, period);
        lock (gate)
        {
            (timers ??= []).Add(timer);
        }

        return timer;
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (gate)
        {
            timers?.Remove(timer);
        }
    }

    public void DisposeTimers()
    {
        GrainTimer[] current;
        lock (gate)
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
        Turn[] abandoned = [];
        lock (gate)
        {
            if (failure is null)
            {
                state = ActivationState.Valid;
            }
            else
            {
                state = ActivationState.Invalid;
                abandoned = [.. waiting];
                waiting.Clear();
            }
        }

        if (failure is null)
        {
            return;
        }

        foreach (var turn in abandoned)
        {
            turn.Abandon(failure);
        }

        catalog.OnActivationGone(this);
        deactivated.TrySetResult();
    }

    /// <summary>Called by the deactivation turn once the grain has flushed: hands anything left to a successor.</summary>
    public void CompleteDeactivation()
    {
        Turn[] leftovers;
        lock (gate)
        {
            state = ActivationState.Invalid;
            leftovers = [.. waiting];
            waiting.Clear();
        }

        catalog.OnActivationGone(this);
        deactivated.TrySetResult();
        foreach (var turn in leftovers)
        {
            if (turn is Invocation.Invocation invocation)
            {
                catalog.Deliver(invocation);
            }
        }
    }

    // Called under the gate: starts every queued turn the interleaving rules allow.
    private void Pump()
    {
        while (waiting.TryPeek(out var next))
        {
            if (next.IsAbandoned)
            {
                waiting.Dequeue();
                continue;
            }

            if (!CanStart(next))
            {
                return;
            }

            waiting.Dequeue();
            next.RanExclusive = next.IsLifecycle || (!GrainClass.IsReentrant && !next.IsReadOnly);
            if (next.RanExclusive)
            {
                exclusiveRunning++;
            }

            running.Add(next);
            next.Owner = this;
            Task.Factory.StartNew(RunTurnAction, next, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler);
        }
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

    private async Task RunTurnAsync(Turn turn)
    {
        try
        {
            await turn.ExecuteAsync(this);
        }
        catch (Exception exception)
        {
            Log.TurnFailed(Id, exception);
        }
        finally
        {
            var deactivate = false;
            lock (gate)
            {
                running.Remove(turn);
                if (turn.RanExclusive)
                {
                    exclusiveRunning--;
                }

                lastActive = Stopwatch.GetTimestamp();
                if (deactivateOnIdle && state == ActivationState.Valid)
                {
                    deactivateOnIdle = false;
                    deactivate = true;
                }

                Pump();
            }

            if (deactivate)
            {
                StartDeactivation(DeactivationReason.Requested);
            }
        }
    }
}
