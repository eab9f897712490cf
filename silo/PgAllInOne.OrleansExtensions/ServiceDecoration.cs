using Microsoft.Extensions.DependencyInjection;

namespace PgAllInOne.OrleansExtensions;

internal static class ServiceDecoration
{
    /// <summary>
    /// Puts <typeparamref name="TDecorator"/> in place of the service's last registration, which it receives as the
    /// keyed service <paramref name="innerKey"/>. Both are registered by type, so that the container resolves them in
    /// one chain with what they depend on (and reports a cycle rather than deadlocking on one).
    /// </summary>
    public static IServiceCollection Decorate<TService, TDecorator>(this IServiceCollection services, string innerKey)
        where TService : class
        where TDecorator : class, TService
    {
        var registered = services.Last(d => d.ServiceType == typeof(TService) && !d.IsKeyedService);
        services.Remove(registered);
        services.Add(registered switch
        {
            { ImplementationType: { } type } => ServiceDescriptor.KeyedSingleton(typeof(TService), innerKey, type),
            { ImplementationInstance: { } instance } => ServiceDescriptor.KeyedSingleton(typeof(TService), innerKey, instance),
            { ImplementationFactory: { } factory } => ServiceDescriptor.KeyedSingleton(typeof(TService), innerKey, (provider, _) => factory(provider)),
            _ => throw new InvalidOperationException($"{typeof(TService).Name} is registered in a way that cannot be wrapped."),
        });
        services.AddSingleton<TService, TDecorator>();
        return services;
    }
}
