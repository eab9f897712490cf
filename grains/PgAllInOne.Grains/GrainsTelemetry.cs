using System.Diagnostics.Metrics;

namespace PgAllInOne.Grains;

/// <summary>The data features' meter: cache hits and misses, rows ingested.</summary>
public static class GrainsTelemetry
{
    public const string Name = "PgAllInOne.Grains";

    public static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> CacheHits = Meter.CreateCounter<long>("pgaio.cache.hits", description: "Analytic queries answered from the cache, by source (memory or redis).");

    internal static readonly Counter<long> CacheMisses = Meter.CreateCounter<long>("pgaio.cache.misses", description: "Analytic queries computed from PostgreSQL.");

    internal static readonly Counter<long> IngestRows = Meter.CreateCounter<long>("pgaio.ingest.rows", description: "Rows made durable by group commit, by kind (events or metrics).");

    internal static void Hit(string source) => CacheHits.Add(1, new KeyValuePair<string, object?>("source", source));

    internal static void Ingested(string kind, long rows) => IngestRows.Add(rows, new KeyValuePair<string, object?>("kind", kind));
}
