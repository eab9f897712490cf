using System.Collections.Concurrent;
using System.Reflection;
using Orleans.Concurrency;
using Orleans.Metadata;
using Orleans.Runtime;
using PgAllInOne.GrainInterfaces.Errors;

namespace PgAllInOne.Silo.CallCycles;

/// <summary>
/// Fails a call that would wait on itself. A non-reentrant grain runs one request at a time, so a call back into a
/// grain that is waiting further up the same call chain (A → B → A) can only wait out the response timeout. The chain of
/// waiting grains travels in <see cref="RequestContext"/>; such a call fails here at once, naming the cycle. Reentrant
/// and stateless-worker targets, interleaving methods and call-chain reentrancy go through: they cannot deadlock.
/// </summary>
// Outgoing, not incoming: the busy target never dispatches the cyclic call, so an incoming filter would never see it.
public sealed class CallCycleFilter(GrainPropertiesResolver grainProperties) : IOutgoingGrainCallFilter
{
    /// <summary>The <see cref="RequestContext"/> key of the chain: grain ids separated by <see cref="Separator"/>.</summary>
    public const string ChainKey = "pgaio.chain";

    private const char Separator = '\n';

    private readonly ConcurrentDictionary<GrainType, bool> mayWaitOnItself = new();

    // A client or a system target starts no chain of grains: its calls pass straight through, without a state machine.
    public Task Invoke(IOutgoingGrainCallContext context) =>
        context.SourceId is { } source && IsGrain(source) ? InvokeInChainAsync(context, source) : context.Invoke();

    private async Task InvokeInChainAsync(IOutgoingGrainCallContext context, GrainId source)
    {
        var outer = RequestContext.Get(ChainKey) as string;
        var chain = outer is null ? source.ToString() : $"{outer}{Separator}{source}";
        if (MayDeadlock(context) && Contains(chain, context.TargetId.ToString()))
        {
            throw new GrainCallCycleException(
                $"Call cycle: {string.Join(" → ", chain.Split(Separator))} → {context.TargetId} ({context.InterfaceName}.{context.MethodName}). " +
                $"{context.TargetId} is waiting for this chain to answer and takes one request at a time; make it [Reentrant], the method [AlwaysInterleave], or break the cycle.");
        }

        RequestContext.Set(ChainKey, chain);
        try
        {
            await context.Invoke();
        }
        finally
        {
            // The caller's own context goes on without this call's link.
            if (outer is null)
            {
                RequestContext.Remove(ChainKey);
            }
            else
            {
                RequestContext.Set(ChainKey, outer);
            }
        }
    }

    private bool MayDeadlock(IOutgoingGrainCallContext context)
    {
        if (RequestContext.ReentrancyId != Guid.Empty || Interleaves(context.InterfaceMethod))
        {
            return false;
        }

        return mayWaitOnItself.GetOrAdd(context.TargetId.Type, type =>
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
