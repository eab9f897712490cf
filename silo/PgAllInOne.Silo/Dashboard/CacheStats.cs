namespace PgAllInOne.Silo.Dashboard;

/// <summary>Analytic queries answered from the query cache or computed, since this silo's process started; the ratio is null before the first.</summary>
public sealed record CacheStats(long Hits, long Misses, double? HitRatio);
