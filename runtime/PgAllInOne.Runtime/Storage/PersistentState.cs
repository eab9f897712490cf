namespace PgAllInOne.Runtime.Storage;

internal sealed class PersistentState<TState>(GrainId grainId, string stateName, IGrainStorage storage)
    : IPersistentState<TState>, IGrainStateLoader
    where TState : class, new()
{
    public TState State { get; set; } = new();

    public long Version { get; private set; }

    public bool RecordExists { get; private set; }

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var stored = await storage.ReadAsync<TState>(grainId, stateName, cancellationToken);
        State = stored.State ?? new TState();
        Version = stored.Version;
        RecordExists = stored.RecordExists;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        Version = await storage.WriteAsync(grainId, stateName, State, Version, cancellationToken);
        RecordExists = true;
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        Version = await storage.ClearAsync(grainId, stateName, Version, cancellationToken);
        State = new TState();
        RecordExists = false;
    }
}
