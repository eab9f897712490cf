using PgAllInOne.Runtime.Invocation;

namespace PgAllInOne.Runtime.Activation;

/// <summary>One unit of work an activation runs to completion: a request, a timer tick, activation or deactivation.</summary>
internal abstract class Turn
{
    /// <summary>Read-only requests may interleave with each other.</summary>
    public virtual bool IsReadOnly => false;

    /// <summary>Activation and deactivation run alone, even on reentrant grains.</summary>
    public virtual bool IsLifecycle => false;

    /// <summary>True when nobody waits for this turn any more (timed out or cancelled while queued).</summary>
    public virtual bool IsAbandoned => false;

    /// <summary>Set when the turn starts; whether it excluded other turns while running.</summary>
    public bool RanExclusive { get; set; }

    public ActivationData Owner { get; set; } = null!;

    /// <summary>The call chain that calls made from this turn extend.</summary>
    public virtual CallChain CreateChain(ActivationData activation) => new(activation.Id, readOnly: false, parent: null);

    public abstract Task ExecuteAsync(ActivationData activation);

    /// <summary>Fails the turn without running it (its activation could not be created).</summary>
    public virtual void Abandon(Exception reason)
    {
    }

    /// <summary>Fails the caller's wait when the turn is past its deadline; the turn itself may still run.</summary>
    public virtual void CheckDeadline(long nowTickCount)
    {
    }
}
