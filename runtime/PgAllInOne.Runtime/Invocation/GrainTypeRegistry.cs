using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Options;
using PgAllInOne.Runtime.Hosting;

namespace PgAllInOne.Runtime.Invocation;

/// <summary>Maps grain interfaces to their one implementation class and caches the method descriptors.</summary>
public sealed class GrainTypeRegistry
{
    private readonly ConcurrentDictionary<Type, GrainClassInfo> byInterface = new();
    private readonly Dictionary<string, GrainClassInfo> byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MethodInfo, GrainMethod> methods = new();
    private readonly ConcurrentDictionary<string, GrainMethod> methodsByKey = new(StringComparer.Ordinal);

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

                AddMethods(contract, info);
            }
        }
    }

    public IEnumerable<GrainClassInfo> Classes => byName.Values;

    /// <summary>Every grain interface with its grain type, as clients need to know it.</summary>
    public GrainManifest Manifest => new(byInterface
        .Select(pair => new GrainManifestEntry(pair.Key.FullName!, pair.Value.Name, pair.Value.IsReentrant, pair.Value.IsStatelessWorker))
        .OrderBy(entry => entry.Interface, StringComparer.Ordinal)
        .ToList());

    /// <summary>On a client: learns the grain types of the interfaces in the assemblies it was given from a silo's manifest.</summary>
    public void Learn(GrainManifest manifest, IEnumerable<Assembly> interfaceAssemblies)
    {
        var known = manifest.Grains.ToDictionary(entry => entry.Interface, StringComparer.Ordinal);
        foreach (var contract in interfaceAssemblies.SelectMany(a => a.GetTypes()).Where(IsGrainInterface))
        {
            if (known.TryGetValue(contract.FullName!, out var entry))
            {
                var info = new GrainClassInfo(contract, entry.GrainType, entry.IsReentrant, entry.IsStatelessWorker);
                AddMethods(contract, info);
                byInterface.TryAdd(contract, info);
            }
        }
    }

    public GrainClassInfo ForInterface(Type grainInterface) =>
        byInterface.TryGetValue(grainInterface, out var info)
            ? info
            : throw new InvalidOperationException($"No grain class implements {grainInterface.Name}. On a silo, register the assembly that holds it with AddGrainsFrom(); on a client, give the client the assembly of the interface.");

    public GrainClassInfo ForName(string grainType) =>
        byName.TryGetValue(grainType, out var info)
            ? info
            : throw new InvalidOperationException($"Unknown grain type '{grainType}'.");

    internal GrainMethod? FindMethod(string key) => methodsByKey.GetValueOrDefault(key);

    internal GrainMethod GetMethod(MethodInfo method) =>
        methods.TryGetValue(method, out var descriptor)
            ? descriptor
            : throw new InvalidOperationException($"{method.DeclaringType?.Name}.{method.Name} is not a method of a registered grain interface.");

    private void AddMethods(Type contract, GrainClassInfo info)
    {
        foreach (var method in contract.GetMethods())
        {
            var descriptor = GrainMethod.Create(method, info);
            methods[method] = descriptor;
            methodsByKey[descriptor.Key] = descriptor;
        }
    }

    private static bool IsGrainInterface(Type type) =>
        type.IsInterface && typeof(IGrain).IsAssignableFrom(type) && type != typeof(IGrain) && type != typeof(IGrainWithStringKey);
}
