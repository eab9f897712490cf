using System.Diagnostics;
using PgAllInOne.Runtime.Invocation;

namespace PgAllInOne.Runtime.Messaging;

/// <summary>
/// Sends one grain call to the silo at an endpoint and reads its answer (the wire is the copy boundary). Hops: 0 from a
/// client (the silo routes it on), 1 from a silo that forwarded it (the receiver serves it, whatever its view).
/// </summary>
internal static class RemoteCall
{
    public static async Task<TResult> InvokeAsync<TResult>(
        SiloConnectionPool connections, string endpoint, GrainId target, GrainMethod<TResult> method, object?[] arguments, TimeSpan timeout, int hops)
    {
        var request = new GrainRequest(target, method.Key, method.SerializeArguments(arguments), (int)timeout.TotalMilliseconds, Activity.Current?.Id, hops);
        var response = await connections.SendAsync(endpoint, request, method.GetCancellationToken(arguments));
        return GrainMethod<TResult>.ReadResponse(response);
    }
}
