using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Options;
using PgAllInOne.Runtime.Hosting;

namespace PgAllInOne.Runtime.Invocation;

/// <summary>Maps grain interfaces to their one implementation class and caches the method descriptors.</summary>
public sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, GrainClassInfo> byInterface = [];
    private readonly Dictionary<string, GrainClassInfo> byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MethodInfo, GrainMethod> methods = new();

    public GrainTypeRegistry(IOptions<GrainTypeOptions> options)
    {
        foreach (var classType in options.Value.Assemblies.SelectMany(a => a.GetTypes()).Distinct())
        {
            if (!classType.IsClass || classType.IsAbstract || !typeof(Grain).IsAssignableFrom(classType))
            {
                continue;
            }

            var info = new GrainClassInfo(classType);
            if (!byName.TryAdd(info.Name, info))
            {
                throw new InvalidOperationException($"Grain classes {byName[info.Name].ClassType.FullName} and {classType.FullName} share the grain type name '{info.Name}'; give one a [GrainType] name.");
            }

            foreach (var contract in classType.GetInterfaces().Where(IsGrainInterface))
            {
                if (!byInterface.TryAdd(contract, info))
                {
                    throw new InvalidOperationException($"Grain interface {contract.Name} is implemented by both {byInterface[contract].ClassType.Name} and {classType.Name}; one implementation per interface.");
                }

                foreach (var method in contract.GetMethods())
                {
                    methods[method] = GrainMethod.Create(method, info);
                }
            }
        }
    }

    public IEnumerable<GrainClassInfo> Classes => byName.Values;

    public GrainClassInfo ForInterface(Type grainInterface) =>
        byInterface.TryGetValue(grainInterface, out var info)
            ? info
            : throw new InvalidOperationException($"No grain class implements {grainInterface.Name}. Register the assembly that holds it with AddGrainsFrom().");

    public GrainClassInfo ForName(string grainType) =>
        byName.TryGetValue(grainType, out var info)
            ? info
            : throw new InvalidOperationException($"Unknown grain type '{grainType}'.");

    internal GrainMethod GetMethod(MethodInfo method) =>
        methods.TryGetValue(method, out var descriptor)
            ? descriptor
            : throw new InvalidOperationException($"{method.DeclaringType?.Name}.{method.Name} is not a method of a registered grain interface.");

    private static bool IsGrainInterface(Type type) =>
        type.IsInterface && typeof(IGrain).IsAssignableFrom(type) && type != typeof(IGrain) && type != typeof(IGrainWithStringKey);
}
