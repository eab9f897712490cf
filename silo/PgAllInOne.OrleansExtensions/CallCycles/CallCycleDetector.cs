using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.CodeGeneration;
using Orleans.Concurrency;
using Orleans.Metadata;
using Orleans.Runtime;
using Orleans.Serialization.Invocation;
using PgAllInOne.GrainInterfaces.Errors;

namespace PgAllInOne.OrleansExtensions.CallCycles;

/// <summary>
/// Fails a call that would wait on itself. A non-reentrant grain runs one request at a time, so a call back into a
/// grain that is waiting further up the same call chain (A → B → A) can only wait out the response timeout. The chain of
/// waiting grains travels in <see cref="RequestContext"/>; such a call fails here at once, naming the cycle. Reentrant
/// and stateless-worker targets, interleaving methods and call-chain reentrancy go through: they cannot deadlock.
/// </summary>
/// <remarks>
/// It wraps Orleans' grain reference runtime rather than being an outgoing grain call filter: with any such filter
/// registered, every call on the silo (a grain's, or the HTTP facade's) goes through Orleans' filter pipeline, which
/// costs about 40 % of a local call; here a call that does not come from a grain goes straight through, and one that
/// does pays a look-up of its chain. The call is checked at the point where it leaves the calling grain, because the
/// busy target never dispatches the cyclic call: nothing on the receiving side would see it.
/// </remarks>
internal sealed class CallCycleDetector(
    [FromKeyedServices(CallCycleDetector.InnerKey)] IGrainReferenceRuntime runtime,
    IServiceProvider services,
    GrainPropertiesResolver grainProperties) : IGrainReferenceRuntime
{
    /// <summary>The key of Orleans' own grain reference runtime, which this one wraps.</summary>
    public const string InnerKey = "pgaio.orleans";

    /// <summary>The <see cref="RequestContext"/> key of the chain: grain ids separated by <see cref="Separator"/>.</summary>
    public const string ChainKey = "pgaio.chain";

    private const char Separator = '\n';

    private readonly ConcurrentDictionary<GrainType, bool> mayWaitOnItself = new();

    // Resolved on first call: Orleans' accessor depends, through its hosted client, on this runtime.
    private IGrainContextAccessor? contexts;

    public ValueTask<T?> InvokeMethodAsync<T>(GrainReference reference, IInvokable request, InvokeMethodOptions options) =>
        Cycle(reference, request) is { } cycle ? ValueTask.FromException<T?>(cycle) : runtime.InvokeMethodAsync<T>(reference, request, options);

    public ValueTask InvokeMethodAsync(GrainReference reference, IInvokable request, InvokeMethodOptions options) =>
        Cycle(reference, request) is { } cycle ? ValueTask.FromException(cycle) : runtime.InvokeMethodAsync(reference, request, options);

    public void InvokeMethod(GrainReference reference, IInvokable request, InvokeMethodOptions options)
    {
        // A one-way call waits for nothing, so it closes no cycle; it still carries the chain on.
        _ = Cycle(reference, request);
        runtime.InvokeMethod(reference, request, options);
    }

    public object Cast(IAddressable grain, Type interfaceType) => runtime.Cast(grain, interfaceType);

    /// <summary>
    /// For a call from a grain: puts the chain of waiting grains, ending with this one, in the request context the call
    /// carries, and returns the error if the target is waiting in it. The chain stays in the calling grain's context
    /// for its further calls (each of this turn's calls has the same chain), and the next request replaces it.
    /// </summary>
    private GrainCallCycleException? Cycle(GrainReference reference, IInvokable request)
    {
        contexts ??= services.GetRequiredService<IGrainContextAccessor>();
        if (contexts.GrainContext?.GrainId is not { } source || !IsGrain(source))
        {
            return null;
        }

        var self = source.ToString();
        var outer = RequestContext.Get(ChainKey) as string;
        var chain = outer is null ? self : EndsWith(outer, self) ? outer : $"{outer}{Separator}{self}";
        if (!ReferenceEquals(chain, outer))
        {
            RequestContext.Set(ChainKey, chain); // a copy of the context's values: only when the chain changes
        }

        var target = reference.GrainId;
        // The chain first: the target is rarely in it, and the reentrancy check reads attributes.
        if (!Contains(chain, target.ToString()) || !MayDeadlock(target.Type, request))
        {
            return null;
        }

        return new GrainCallCycleException(
            $"Call cycle: {string.Join(" → ", chain.Split(Separator))} → {target} ({request.GetInterfaceName()}.{request.GetMethodName()}). " +
            $"{target} is waiting for this chain to answer and takes one request at a time; make it [Reentrant], the method [AlwaysInterleave], or break the cycle.");
    }

    private bool MayDeadlock(GrainType target, IInvokable request)
    {
        if (RequestContext.ReentrancyId != Guid.Empty || Interleaves(request.GetMethod()))
        {
            return false;
        }

        return mayWaitOnItself.GetOrAdd(target, type =>
        {
            if (!grainProperties.TryGetGrainProperties(type, out var properties))
            {
                return true;
            }

            var reentrant = properties.Properties.TryGetValue(WellKnownGrainTypeProperties.Reentrant, out var r) && bool.TryParse(r, out var isReentrant) && isReentrant;
            var worker = properties.Properties.TryGetValue(WellKnownGrainTypeProperties.PlacementStrategy, out var p) && p == "StatelessWorkerPlacement";
            return !reentrant && !worker;
        });
    }

    private static bool Interleaves(MethodInfo? method) =>
        method is not null && (method.IsDefined(typeof(AlwaysInterleaveAttribute)) || method.IsDefined(typeof(ReadOnlyAttribute)));

    private static bool IsGrain(GrainId id) => !id.IsSystemTarget() && !id.IsClient();

    private static bool EndsWith(string chain, string grain) =>
        chain.EndsWith(grain, StringComparison.Ordinal) && (chain.Length == grain.Length || chain[^(grain.Length + 1)] == Separator);

    private static bool Contains(string chain, string grain)
    {
        foreach (var link in chain.AsSpan().Split(Separator))
        {
            if (chain.AsSpan()[link].SequenceEqual(grain))
            {
                return true;
            }
        }

        return false;
    }
}
