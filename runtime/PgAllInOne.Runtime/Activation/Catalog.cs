using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PgAllInOne.Runtime.Hosting;
using PgAllInOne.Runtime.Invocation;

using PgAllInOne.Runtime.Telemetry;

namespace PgAllInOne.Runtime.Activation;

/// <summary>
/// The silo's activations by grain id: creates them on first delivery, collects idle ones, fails calls past their
/// deadline, and deactivates everything on shutdown.
/// </summary>
internal sealed class Catalog : IDisposable
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> activations = new();
    private readonly ConcurrentDictionary<GrainId, StatelessWorkerGroup> workerGroups = new();
    private readonly IServiceProvider services;
    private readonly Timer maintenance;
    private readonly TimeSpan maintenancePeriod;
    private long nextCollection;
    private IGrainFactory? grainFactory;

    public Catalog(GrainActivator activator, IOptions<GrainRuntimeOptions> options, IServiceProvider services, ILogger<Catalog> log)
    {
        Activator = activator;
        Options = options.Value;
        this.services = services;
        Log = log;
        maintenancePeriod = TimeSpan.FromTicks(Math.Clamp(Options.ResponseTimeout.Ticks / 8, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
        maintenance = new Timer(static state => ((Catalog)state!).RunMaintenance(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public GrainRuntimeOptions Options { get; }

    public GrainActivator Activator { get; }

    public ILogger Log { get; }

    public IGrainFactory GrainFactory => grainFactory ??= services.GetRequiredService<IGrainFactory>();

    public void Start()
    {
        RuntimeTelemetry.Track(this);
        nextCollection = Environment.TickCount64 + (long)Options.CollectionQuantum.TotalMilliseconds;
        maintenance.Change(maintenancePeriod, maintenancePeriod);
    }

    public void Deliver(Invocation.Invocation invocation)
    {
        var grainClass = invocation.MethodBase.GrainClass;
        if (grainClass.IsStatelessWorker)
        {
            workerGroups.GetOrAdd(invocation.Target, static (id, state) => new StatelessWorkerGroup(id, state.grainClass, state.catalog), (grainClass, catalog: this))
                .Deliver(invocation);
            return;
        }

        while (true)
        {
            var activation = activations.GetOrAdd(invocation.Target, static (id, state) => new ActivationData(id, state.grainClass, state.catalog), (grainClass, catalog: this));
            switch (activation.TryEnqueue(invocation))
            {
                case EnqueueResult.Accepted:
                    return;
                case EnqueueResult.Deactivating:
                    activation.Deactivated.ContinueWith(static (_, state) => { var (catalog, call) = ((Catalog, Invocation.Invocation))state!; catalog.Deliver(call); }, (this, invocation), TaskScheduler.Default);
                    return;
                default:
                    activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(invocation.Target, activation));
                    break;
            }
        }
    }

    public void OnActivationGone(ActivationData activation)
    {
        if (activation.WorkerGroup is { } group)
        {
            group.Remove(activation);
        }
        else
        {
            activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.Id, activation));
        }
    }

    public IEnumerable<ActivationData> Activations =>
        activations.Values.Concat(workerGroups.Values.SelectMany(group => group.Snapshot()));

    /// <summary>Live activations per grain type.</summary>
    public IReadOnlyDictionary<string, int> CountByType() =>
        Activations.Where(a => a.State is ActivationState.Valid or ActivationState.Activating)
            .GroupBy(a => a.Id.Type)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public bool TryGetActivation(GrainId id, out ActivationData? activation) => activations.TryGetValue(id, out activation);

    /// <summary>Deactivates every activation matching the filter (all of them by default) and waits until they are gone.</summary>
    public async Task DeactivateAllAsync(DeactivationReason reason, Func<ActivationData, bool>? filter = null)
    {
        var pending = new List<Task>();
        foreach (var activation in Activations)
        {
            if (filter is null || filter(activation))
            {
                activation.StartDeactivation(reason);
                pending.Add(activation.Deactivated);
            }
        }

        await Task.WhenAll(pending);
    }

    public void Dispose()
    {
        RuntimeTelemetry.Untrack(this);
        maintenance.Dispose();
    }

    /// <summary>Calls waiting or running, per grain type: the activations' queue lengths.</summary>
    public IEnumerable<KeyValuePair<string, int>> QueueLengths() =>
        Activations.GroupBy(a => a.Id.Type).Select(g => new KeyValuePair<string, int>(g.Key, g.Sum(a => a.Load)));

    private void RunMaintenance()
    {
        // Coarse millisecond ticks: deadlines and idle times need no finer clock, and reading it is nearly free.
        var now = Environment.TickCount64;
        var collect = now >= nextCollection;
        var idleSince = now - (long)Options.CollectionAge.TotalMilliseconds;
        if (collect)
        {
            nextCollection = now + (long)Options.CollectionQuantum.TotalMilliseconds;
        }

        foreach (var activation in Activations)
        {
            activation.CheckDeadlines(now);
            if (collect && activation.IsIdleSince(idleSince))
            {
                activation.StartDeactivation(DeactivationReason.Idle);
            }
        }
    }
}
