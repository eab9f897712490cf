using PgAllInOne.Runtime.Activation;

namespace PgAllInOne.Runtime.Invocation;

/// <summary>The grains a request is waiting in, innermost first; used to fail a cycle fast instead of deadlocking.</summary>
internal sealed class CallChain(GrainId grain, bool readOnly, CallChain? parent)
{
    private static readonly AsyncLocal<CallChain?> CurrentChain = new();

    /// <summary>The chain of the turn whose code is running now; null outside grains.</summary>
    public static CallChain? Current
    {
        get => TaskScheduler.Current is ActivationTaskScheduler { Activation.ExclusiveChain: { } chain } ? chain : CurrentChain.Value;
        set => CurrentChain.Value = value;
    }

    public GrainId Grain { get; } = grain;

    public bool ReadOnly { get; } = readOnly;

    public CallChain? Parent { get; } = parent;

    public CallChain? Find(GrainId grain)
    {
        for (var link = this; link is not null; link = link.Parent)
        {
            if (link.Grain == grain)
            {
                return link;
            }
        }

        return null;
    }

    /// <summary>Renders the cycle outermost first, e.g. "a/1 -> b/1 -> a/1".</summary>
    public string Describe(GrainId next)
    {
        var names = new List<string>();
        for (var link = this; link is not null; link = link.Parent)
        {
            names.Add(link.Grain.ToString());
        }

        names.Reverse();
        names.Add(next.ToString());
        return string.Join(" -> ", names);
    }
}
