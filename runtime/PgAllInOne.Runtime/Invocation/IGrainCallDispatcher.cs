namespace PgAllInOne.Runtime.Invocation;

/// <summary>The one path every grain call takes: addressed by grain id, wherever the grain lives.</summary>
internal interface IGrainCallDispatcher
{
    /// <param name="forwarded">Another silo already forwarded this call: serve it here, never forward it twice.</param>
    Task<TResult> InvokeAsync<TResult>(GrainId target, GrainMethod<TResult> method, object?[] arguments, bool forwarded);
}
