using PgAllInOne.Runtime.Activation;

namespace PgAllInOne;

/// <summary>
/// The base class of every grain. The runtime creates grains on their first call, runs one request at a time on each
/// (unless marked otherwise) and collects them when idle.
/// </summary>
public abstract class Grain
{
    [ThreadStatic]
    private static ActivationData? constructing;

    protected Grain()
    {
        Activation = constructing
            ?? throw new InvalidOperationException("Grains are created by the runtime: get a reference with IGrainFactory.GetGrain() and call it.");
    }

    public GrainId GrainId => Activation.Id;

    protected IGrainFactory GrainFactory => Activation.GrainFactory;

    internal ActivationData Activation { get; }

    public string GetPrimaryKeyString() => Activation.Id.Key;

    /// <summary>Runs after persistent state was read, before the first request.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs once before the activation goes away; the place to flush state.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current request completes.</summary>
    protected void DeactivateOnIdle() => Activation.RequestDeactivateOnIdle();

    /// <summary>Registers a timer whose callbacks run as turns of this activation, never alongside a request.</summary>
    protected IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        Activation.RegisterTimer(callback, dueTime, period);

    internal static Grain Construct(ActivationData activation, Func<Grain> factory)
    {
        constructing = activation;
        try
        {
            return factory();
        }
        finally
        {
            constructing = null;
        }
    }
}
