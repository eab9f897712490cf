using PgAllInOne.GrainInterfaces.Analytics;

namespace PgAllInOne.Silo.Api;

public sealed record AcceptedCount(int Accepted);

public sealed record CreatedId(long Id);

public sealed record RecordWritten(string Id, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ExpiresAt);

public sealed record EventAnalyticsResponse(IReadOnlyList<EventGroupRow> Rows, DateTimeOffset ComputedAt);

public sealed record MetricAnalyticsResponse(IReadOnlyList<MetricSeriesRow> Rows, DateTimeOffset ComputedAt);

public sealed record CacheInvalidated(bool Invalidated);

public sealed record SiloInfo(
    string Id,
    string Endpoint,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset LastHeartbeat,
    int Activations,
    SiloStats? Stats);

/// <summary>What Orleans reports of a live silo: activations per grain type, CPU and memory.</summary>
public sealed record SiloStats(IReadOnlyDictionary<string, int> Activations, double? CpuPercent, long? MemoryBytes);

public sealed record ClusterInfo(string ClusterId, IReadOnlyList<SiloInfo> Silos, IReadOnlyDictionary<string, int> Activations);
