namespace PgAllInOne.Runtime.Storage;

/// <summary>What a storage read found: the state (null when none), its version, whether a record exists.</summary>
public readonly record struct StoredState<TState>(TState? State, long Version, bool RecordExists);
