namespace PgAllInOne.Runtime.Invocation;

internal sealed class GrainFactory(IGrainCallDispatcher dispatcher, GrainTypeRegistry registry) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        var grainClass = registry.ForInterface(typeof(TGrainInterface));
        return GrainReference.Create<TGrainInterface>(dispatcher, registry, new GrainId(grainClass.Name, key));
    }
}
