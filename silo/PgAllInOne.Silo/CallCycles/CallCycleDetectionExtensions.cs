using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace PgAllInOne.Silo.CallCycles;

public static class CallCycleDetectionExtensions
{
    /// <summary>Fails A → B → A cycles of non-reentrant grains at once (<see cref="CallCycleDetector"/>).</summary>
    public static ISiloBuilder AddCallCycleDetection(this ISiloBuilder silo)
    {
        // Orleans registers its grain reference runtime with its defaults, before any of ours; this one wraps it.
        var registered = silo.Services.Last(d => d.ServiceType == typeof(IGrainReferenceRuntime));
        silo.Services.Remove(registered);
        // Both by type, not by factory, so that the container resolves them as one chain with Orleans' own services.
        silo.Services.AddKeyedSingleton(typeof(IGrainReferenceRuntime), CallCycleDetector.InnerKey, registered.ImplementationType!);
        silo.Services.AddSingleton<IGrainReferenceRuntime, CallCycleDetector>();
        return silo;
    }
}
