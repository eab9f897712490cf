namespace PgAllInOne.Runtime.Storage;

/// <summary>A persistent state facet the runtime reads before the grain's OnActivateAsync.</summary>
internal interface IGrainStateLoader
{
    Task ReadStateAsync(CancellationToken cancellationToken = default);
}
