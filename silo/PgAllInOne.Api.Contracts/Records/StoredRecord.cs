using System.Text.Json;

namespace PgAllInOne.Api.Contracts.Records;

public sealed record StoredRecord(
    string Id,
    JsonElement Data,
    string? Type,
    string? SessionId,
    string? ThreadId,
    JsonElement Metadata,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ExpiresAt);
