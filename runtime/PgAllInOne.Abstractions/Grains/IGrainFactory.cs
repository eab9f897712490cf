namespace PgAllInOne;

/// <summary>Hands out references to grains. Getting a reference never activates anything: the first call does.</summary>
public interface IGrainFactory
{
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;
}
