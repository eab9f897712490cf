using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.Runtime.Telemetry;

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
    SiloStatsSnapshot? Stats);

public sealed record ClusterInfo(string ClusterId, IReadOnlyList<SiloInfo> Silos, IReadOnlyDictionary<string, int> Activations);
