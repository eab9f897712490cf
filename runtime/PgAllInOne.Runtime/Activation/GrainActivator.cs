using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using PgAllInOne.Runtime.Storage;

namespace PgAllInOne.Runtime.Activation;

/// <summary>
/// Creates grain instances: constructor parameters come from the container, except persistent state facets, which
/// are bound to the grain's id and the storage named by their attribute.
/// </summary>
internal sealed class GrainActivator(IServiceProvider services)
{
    public Grain Create(ActivationData activation)
    {
        var classType = activation.GrainClass.ClassType;
        var constructor = classType.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"Grain class {classType.Name} has no public constructor.");
        var states = new List<IGrainStateLoader>();
        var arguments = constructor.GetParameters().Select(parameter => Resolve(activation, parameter, states)).ToArray();
        var grain = Grain.Construct(activation, () => (Grain)constructor.Invoke(arguments));
        activation.States = states;
        return grain;
    }

    private object Resolve(ActivationData activation, ParameterInfo parameter, List<IGrainStateLoader> states)
    {
        var type = parameter.ParameterType;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IPersistentState<>))
        {
            var attribute = parameter.GetCustomAttribute<PersistentStateAttribute>();
            var stateName = attribute?.StateName ?? parameter.Name ?? "state";
            var storage = attribute?.StorageName is { } storageName
                ? services.GetRequiredKeyedService<IGrainStorage>(storageName)
                : services.GetRequiredService<IGrainStorage>();
            var stateType = typeof(PersistentState<>).MakeGenericType(type.GetGenericArguments()[0]);
            var state = (IGrainStateLoader)System.Activator.CreateInstance(stateType, activation.Id, stateName, storage)!;
            states.Add(state);
            return state;
        }

        if (type == typeof(IGrainFactory))
        {
            return activation.GrainFactory;
        }

        return services.GetService(type)
            ?? throw new InvalidOperationException($"Grain class {activation.GrainClass.ClassType.Name} needs a {type.Name}, which is not registered.");
    }
}
