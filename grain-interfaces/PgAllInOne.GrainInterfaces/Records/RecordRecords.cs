using System.Text.Json;

namespace PgAllInOne.GrainInterfaces.Records;

/// <summary>An upsert of a record; with <see cref="ExpectedVersion"/> it applies only to that version.</summary>
public sealed record RecordWrite(
    JsonElement Data,
    string? Type = null,
    string? SessionId = null,
    string? ThreadId = null,
    JsonElement? Metadata = null,
    int? TtlSeconds = null,
    long? ExpectedVersion = null);

// Made only by grains, from rows they read: the JsonElement inside owns its document, so it crosses calls uncopied.
[Immutable]
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

/// <summary>
/// Filter maps a field of data (dots for nesting) to a value or to operators: $eq $ne $gt $gte $lt $lte $in $like.
/// OrderBy: createdAt or updatedAt, '-' in front for newest first (the default, "-createdAt").
/// </summary>
public sealed record RecordQuery(
    JsonElement? Filter = null,
    string? Type = null,
    string? SessionId = null,
    string? ThreadId = null,
    int Limit = 100,
    string? OrderBy = null);
