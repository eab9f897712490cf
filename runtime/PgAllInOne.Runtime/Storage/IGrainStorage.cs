namespace PgAllInOne.Runtime.Storage;

/// <summary>
/// Where grain state lives. Writes and clears are conditional on <c>expectedVersion</c> (0: nothing stored yet) and
/// throw <see cref="GrainStateConflictException"/> when the stored version differs; they return the new version.
/// </summary>
public interface IGrainStorage
{
    Task<StoredState<TState>> ReadAsync<TState>(GrainId grainId, string stateName, CancellationToken cancellationToken);

    Task<long> WriteAsync<TState>(GrainId grainId, string stateName, TState state, long expectedVersion, CancellationToken cancellationToken);

    Task<long> ClearAsync(GrainId grainId, string stateName, long expectedVersion, CancellationToken cancellationToken);
}
