namespace PgAllInOne;

/// <summary>
/// A grain's durable state. It is read before <c>OnActivateAsync</c>; every write is conditional on the version last
/// read or written, and a lost race throws <see cref="GrainStateConflictException"/> without changing anything.
/// </summary>
public interface IPersistentState<TState> where TState : class, new()
{
    TState State { get; set; }

    /// <summary>The stored version; 0 when nothing was ever written.</summary>
    long Version { get; }

    bool RecordExists { get; }

    Task ReadStateAsync(CancellationToken cancellationToken = default);

    Task WriteStateAsync(CancellationToken cancellationToken = default);

    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
