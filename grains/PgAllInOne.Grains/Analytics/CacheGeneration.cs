namespace PgAllInOne.Grains.Analytics;

/// <summary>
/// <see cref="Shared"/> is the cluster's generation (in PostgreSQL, part of every Redis key); <see cref="Local"/> moves
/// with it and also whenever this silo may have missed an invalidation, dropping what it keeps in memory.
/// </summary>
public readonly record struct CacheGeneration(long Shared, long Local);
