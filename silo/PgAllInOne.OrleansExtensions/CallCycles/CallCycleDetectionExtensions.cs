using Orleans.Runtime;

namespace PgAllInOne.OrleansExtensions.CallCycles;

public static class CallCycleDetectionExtensions
{
    /// <summary>Fails A → B → A cycles of non-reentrant grains at once (<see cref="CallCycleDetector"/>).</summary>
    public static ISiloBuilder AddCallCycleDetection(this ISiloBuilder silo)
    {
        // Orleans registers its grain reference runtime with its defaults, before any of ours; this one wraps it.
        silo.Services.Decorate<IGrainReferenceRuntime, CallCycleDetector>(CallCycleDetector.InnerKey);
        return silo;
    }
}
