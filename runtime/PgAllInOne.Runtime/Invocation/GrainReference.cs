using System.Reflection;

namespace PgAllInOne.Runtime.Invocation;

/// <summary>
/// The proxy behind every grain interface handed out by a grain factory: it turns each method call into a message to
/// the dispatcher, addressed by grain id.
/// </summary>
#pragma warning disable CA1852 // DispatchProxy derives a type from this class at run time
public class GrainReference : DispatchProxy
#pragma warning restore CA1852
{
    private IGrainCallDispatcher dispatcher = null!;
    private GrainTypeRegistry registry = null!;

    public GrainId GrainId { get; private set; }

    internal static TGrainInterface Create<TGrainInterface>(IGrainCallDispatcher dispatcher, GrainTypeRegistry registry, GrainId id)
    {
        var proxy = Create<TGrainInterface, GrainReference>();
        var reference = (GrainReference)(object)proxy!;
        reference.dispatcher = dispatcher;
        reference.registry = registry;
        reference.GrainId = id;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        registry.GetMethod(targetMethod!).Call(dispatcher, GrainId, args ?? []);

    public override string ToString() => GrainId.ToString();
}
