using System.Text.Json;

namespace PgAllInOne.Cli.Http;

// The facade's JSON shapes (API.md), declared here because the CLI talks HTTP and must not depend on the silo's assemblies.
public sealed record ClusterView(string ClusterId, IReadOnlyList<SiloView> Silos, IReadOnlyDictionary<string, int> Activations);

public sealed record SiloView(
    string Id,
    string Endpoint,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset LastHeartbeat,
    int Activations,
    SiloStats? Stats);

public sealed record SiloStats(IReadOnlyDictionary<string, int>? Activations, double? CpuPercent, long? MemoryBytes);

public sealed record NewUserBody(string Username, string Email, JsonElement? Profile);

public sealed record UserView(
    long Id,
    string Username,
    string Email,
    JsonElement Profile,
    long EventCount,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record NewEventBody(string Type, JsonElement? Data = null, DateTimeOffset? Timestamp = null);

public sealed record MetricReadingBody(string Metric, double Value, DateTimeOffset? Time = null, JsonElement? Tags = null);

public sealed record DocumentBody(string? Title, string? Content, JsonElement? Metadata, string? Language);

public sealed record AcceptedCount(int Accepted);

public sealed record CreatedId(long Id);

public sealed record SearchHit(long Id, string Title, string Snippet, double Rank);

public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, double TookMs);

public sealed record EventGroupRow(string Key, long Count, DateTimeOffset FirstAt, DateTimeOffset LastAt);

public sealed record MetricSeriesRow(DateTimeOffset Bucket, string? Device, double Value, long Count);

public sealed record AnalyticsResult<TRow>(IReadOnlyList<TRow> Rows, DateTimeOffset ComputedAt);

/// <summary>An analytics answer with the facade's <c>X-Cache</c> header (hit or miss), which is not part of the body.</summary>
public sealed record CachedAnswer<TRow>(AnalyticsResult<TRow> Result, string? Cache);
