using System.Diagnostics;
using PgAllInOne.Runtime.Activation;
using PgAllInOne.Runtime.Telemetry;

namespace PgAllInOne.Runtime.Invocation;

/// <summary>A request to a grain: its target, method, copied arguments, caller's chain, deadline and trace parent.</summary>
internal abstract class Invocation : Turn
{
    private CancellationTokenRegistration cancellation;

    protected Invocation(GrainId target, GrainMethod method, object?[] arguments, CallChain? callerChain, long deadline, Activity? parent)
    {
        Target = target;
        MethodBase = method;
        Arguments = arguments;
        CallerChain = callerChain;
        Deadline = deadline;
        Parent = parent;
    }

    public GrainId Target { get; }

    public GrainMethod MethodBase { get; }

    public object?[] Arguments { get; }

    public CallChain? CallerChain { get; }

    /// <summary>In <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long Deadline { get; }

    /// <summary>The caller's span, held by reference: a context copy would double the size of every call.</summary>
    public Activity? Parent { get; }

    public override bool IsReadOnly => MethodBase.IsReadOnly;

    public override CallChain CreateChain(ActivationData activation) => new(Target, IsReadOnly, CallerChain);

    public override bool IsAbandoned => IsCompleted;

    public abstract bool IsCompleted { get; }

    public abstract void Fail(Exception exception);

    protected abstract void Cancel(CancellationToken token);

    /// <summary>Fails the wait of the caller when its token is cancelled; a queued invocation is then skipped.</summary>
    public void RegisterCancellation()
    {
        var token = MethodBase.GetCancellationToken(Arguments);
        if (token.CanBeCanceled)
        {
            cancellation = token.UnsafeRegister(static (state, token) => ((Invocation)state!).Cancel(token), this);
        }
    }

    protected void ReleaseCancellation() => cancellation.Dispose();

    public override void Abandon(Exception reason) => Fail(reason);

    public override void CheckDeadline(long nowTickCount)
    {
        if (nowTickCount > Deadline && !IsCompleted)
        {
            Fail(new GrainCallTimeoutException($"Call {MethodBase.ActivityName} to grain {Target} did not complete within the response timeout."));
        }
    }

    protected Activity? StartActivity()
    {
        if (Parent is null)
        {
            // Nothing of an earlier turn's or an unrelated caller's trace may leak in as this call's parent.
            Activity.Current = null;
        }

        var activity = RuntimeTelemetry.ActivitySource.StartActivity(MethodBase.ActivityName, ActivityKind.Internal, Parent?.Context ?? default);
        activity?.SetTag("grain.id", Target.ToString());
        return activity;
    }
}

internal sealed class Invocation<TResult>(GrainId target, GrainMethod<TResult> method, object?[] arguments, CallChain? callerChain, long deadline, Activity? parent)
    : Invocation(target, method, arguments, callerChain, deadline, parent)
{
    // Continuations run off the activation's thread so that a caller never runs inside a grain's turn.
    private readonly TaskCompletionSource<TResult> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Task => completion.Task;

    public override bool IsCompleted => completion.Task.IsCompleted;

    public override async Task ExecuteAsync(ActivationData activation)
    {
        var started = RuntimeTelemetry.IsMetered ? Stopwatch.GetTimestamp() : 0;
        var activity = StartActivity();
        if (!RanExclusive)
        {
            // Interleaved turns share the activation, so each carries its own chain; an exclusive turn's chain is
            // found through the activation's scheduler (see CallChain.Current) without touching the execution context.
            CallChain.Current = CreateChain(activation);
        }
        TResult? result = default;
        Exception? failure = null;
        try
        {
            // Copied inside the turn: the next turn may change whatever the grain returned.
            result = method.CopyResult(await method.InvokeOn(activation.Instance!, Arguments));
        }
        catch (Exception exception)
        {
            failure = exception;
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity?.AddException(exception);
        }

        // The span ends before the caller resumes, so a caller never sees its callee's span still open.
        activity?.Dispose();
        ReleaseCancellation();
        RuntimeTelemetry.RecordCall(Target.Type, method.ActivityName, started, failure is not null);
        if (failure is null)
        {
            completion.TrySetResult(result!);
        }
        else
        {
            completion.TrySetException(failure);
        }
    }

    public override void Fail(Exception exception)
    {
        if (completion.TrySetException(exception))
        {
            ReleaseCancellation();
        }
    }

    protected override void Cancel(CancellationToken token) => completion.TrySetCanceled(token);
}
