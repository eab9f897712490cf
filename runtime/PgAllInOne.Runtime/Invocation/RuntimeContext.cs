using PgAllInOne.Runtime.Activation;

namespace PgAllInOne.Runtime.Invocation;

/// <summary>What the code running now is doing inside the runtime: which activation, in which call chain.</summary>
internal sealed class RuntimeContext(ActivationData activation, CallChain chain)
{
    private static readonly AsyncLocal<RuntimeContext?> CurrentContext = new();

    public ActivationData Activation { get; } = activation;

    public CallChain Chain { get; } = chain;

    public static RuntimeContext? Current
    {
        get => CurrentContext.Value;
        set => CurrentContext.Value = value;
    }
}
