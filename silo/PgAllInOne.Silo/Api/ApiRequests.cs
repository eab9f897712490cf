using System.Text.Json;

namespace PgAllInOne.Silo.Api;

// Request bodies as they arrive: every field nullable, so that a missing one is reported by name, not as a bind failure.
public sealed record CreateUserRequest(string? Username, string? Email, JsonElement? Profile);

public sealed record NewEventRequest(string? Type, JsonElement? Data, DateTimeOffset? Timestamp);

public sealed record MetricReadingRequest(string? Metric, double? Value, DateTimeOffset? Time, JsonElement? Tags);

public sealed record DocumentRequest(string? Title, string? Content, JsonElement? Metadata, string? Language);

public sealed record RecordRequest(JsonElement? Data, string? Type, string? SessionId, string? ThreadId, JsonElement? Metadata, int? TtlSeconds);

public sealed record RecordQueryRequest(JsonElement? Filter, string? Type, string? SessionId, string? ThreadId, int? Limit, string? OrderBy);

public sealed record CreateKeyRequest(string? Name, string? Role);
