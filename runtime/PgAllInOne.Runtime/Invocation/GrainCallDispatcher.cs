using System.Diagnostics;
using Microsoft.Extensions.Options;
using PgAllInOne.Runtime.Activation;
using PgAllInOne.Runtime.Hosting;
using PgAllInOne.Runtime.Messaging;
using PgAllInOne.Runtime.Placement;

namespace PgAllInOne.Runtime.Invocation;

/// <summary>
/// Turns a call into an <see cref="Invocation{TResult}"/>: refuses call cycles that would deadlock, copies the
/// arguments, stamps the deadline and trace parent, and delivers it to the grain's activation.
/// </summary>
internal sealed class GrainCallDispatcher(Catalog catalog, IOptions<GrainRuntimeOptions> options, GrainRouter router, SiloConnectionPool connections)
    : IGrainCallDispatcher
{
    private readonly long timeoutMs = (long)options.Value.ResponseTimeout.TotalMilliseconds;

    public Task<TResult> InvokeAsync<TResult>(GrainId target, GrainMethod<TResult> method, object?[] arguments, bool forwarded)
    {
        var chain = CallChain.Current;
        if (chain is not null && !method.GrainClass.IsReentrant && !method.GrainClass.IsStatelessWorker
            && chain.Find(target) is { } waitingLink && !(waitingLink.ReadOnly && method.IsReadOnly))
        {
            return Task.FromException<TResult>(new GrainCallCycleException(
                $"Call cycle {chain.Describe(target)} would deadlock: grain {target} is not reentrant and is already waiting in this call chain."));
        }

        if (!forwarded && !method.GrainClass.IsStatelessWorker && router.RemoteOwner(target) is { } owner)
        {
            // Owned by another silo: forward it there. A call that came over the wire is served here whatever this
            // silo's view says, so two silos with different views never bounce a call between them.
            return RemoteCall.InvokeAsync(connections, owner.Endpoint, target, method, arguments, options.Value.ResponseTimeout, hops: 1);
        }

        try
        {
            method.CopyArguments(arguments);
        }
        catch (Exception exception) when (exception is NotSupportedException or System.Text.Json.JsonException)
        {
            return Task.FromException<TResult>(new ArgumentException($"An argument of {method.ActivityName} cannot cross the grain call boundary: {exception.Message}", exception));
        }

        var invocation = new Invocation<TResult>(target, method, arguments, chain, Environment.TickCount64 + timeoutMs, Activity.Current);
        invocation.RegisterCancellation();
        catalog.Deliver(invocation);
        return invocation.Task;
    }
}
