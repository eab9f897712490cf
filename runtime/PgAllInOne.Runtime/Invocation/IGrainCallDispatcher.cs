namespace PgAllInOne.Runtime.Invocation;

/// <summary>The one path every grain call takes: addressed by grain id, wherever the grain lives.</summary>
internal interface IGrainCallDispatcher
{
    Task<TResult> InvokeAsync<TResult>(GrainId target, GrainMethod<TResult> method, object?[] arguments);
}
