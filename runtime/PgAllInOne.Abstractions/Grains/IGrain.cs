namespace PgAllInOne;

/// <summary>Marker for every grain interface. Grain methods return Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;.</summary>
#pragma warning disable CA1040 // a marker interface is the point: it tells the runtime which interfaces are grain contracts
public interface IGrain;

/// <summary>A grain addressed by a string key (user id, device id, cache key...).</summary>
public interface IGrainWithStringKey : IGrain;
#pragma warning restore CA1040
