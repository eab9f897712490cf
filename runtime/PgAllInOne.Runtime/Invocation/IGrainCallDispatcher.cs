namespace PgAllInOne.Runtime.Invocation;

/// <summary>The one path every grain call takes: addressed by grain id, wherever the grain lives.</summary>
internal interface IGrainCallDispatcher
{
    /// <param name="fromWire">The call came from another silo or a client: serve it here, do not forward it again.</param>
    Task<TResult> InvokeAsync<TResult>(GrainId target, GrainMethod<TResult> method, object?[] arguments, bool fromWire);
}
