using System.Reflection;

namespace PgAllInOne.Runtime.Invocation;

/// <summary>What the runtime knows about a grain implementation class: its type name and its scheduling traits.</summary>
public sealed class GrainClassInfo
{
    internal GrainClassInfo(Type classType)
    {
        ClassType = classType;
        Name = classType.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? DefaultName(classType);
        IsReentrant = classType.IsDefined(typeof(ReentrantAttribute), inherit: true);
        var worker = classType.GetCustomAttribute<StatelessWorkerAttribute>();
        IsStatelessWorker = worker is not null;
        MaxLocalWorkers = worker is null ? 0 : worker.MaxLocalWorkers > 0 ? worker.MaxLocalWorkers : Environment.ProcessorCount;
    }

    /// <summary>A client's view of a grain type it only knows from a silo's manifest: it calls it, never activates it.</summary>
    internal GrainClassInfo(Type grainInterface, string name, bool isReentrant, bool isStatelessWorker)
    {
        ClassType = grainInterface;
        Name = name;
        IsReentrant = isReentrant;
        IsStatelessWorker = isStatelessWorker;
    }

    /// <summary>The implementation class on a silo; on a client, the grain interface.</summary>
    public Type ClassType { get; }

    /// <summary>The grain type name: the first half of every <see cref="GrainId"/> of this class.</summary>
    public string Name { get; }

    public bool IsReentrant { get; }

    public bool IsStatelessWorker { get; }

    public int MaxLocalWorkers { get; }

    private static string DefaultName(Type type)
    {
        var name = type.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }
}
