using System.Text.Json;

namespace PgAllInOne.GrainInterfaces.Records;

/// <summary>An upsert of a record; with <see cref="ExpectedVersion"/> it applies only to that version.</summary>
[GenerateSerializer, Alias("pgaio.RecordWrite")]
public sealed record RecordWrite(
    [property: Id(0)] JsonElement Data,
    [property: Id(1)] string? Type = null,
    [property: Id(2)] string? SessionId = null,
    [property: Id(3)] string? ThreadId = null,
    [property: Id(4)] JsonElement? Metadata = null,
    [property: Id(5)] int? TtlSeconds = null,
    [property: Id(6)] long? ExpectedVersion = null);

// Made only by grains, from rows they read: the JsonElement inside owns its document, so it crosses calls uncopied.
/// <summary>A record as stored.</summary>
/// <param name="Id">The record's id (its grain's key).</param>
/// <param name="Data">The record's JSON value.</param>
/// <param name="Type">A label to query by.</param>
/// <param name="SessionId">A label to query by.</param>
/// <param name="ThreadId">A label to query by.</param>
/// <param name="Metadata">A JSON object.</param>
/// <param name="Version">1 when created, one more with each write.</param>
/// <param name="CreatedAt">When it was first written.</param>
/// <param name="UpdatedAt">When it was last written.</param>
/// <param name="ExpiresAt">When it expires; null: never.</param>
[GenerateSerializer, Alias("pgaio.StoredRecord")]
[Immutable]
public sealed record StoredRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] JsonElement Data,
    [property: Id(2)] string? Type,
    [property: Id(3)] string? SessionId,
    [property: Id(4)] string? ThreadId,
    [property: Id(5)] JsonElement Metadata,
    [property: Id(6)] long Version,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset UpdatedAt,
    [property: Id(9)] DateTimeOffset? ExpiresAt);

/// <summary>
/// Filter maps a field of data (dots for nesting) to a value or to operators: $eq $ne $gt $gte $lt $lte $in $like.
/// OrderBy: createdAt or updatedAt, '-' in front for newest first (the default, "-createdAt").
/// </summary>
[GenerateSerializer, Alias("pgaio.RecordQuery")]
public sealed record RecordQuery(
    [property: Id(0)] JsonElement? Filter = null,
    [property: Id(1)] string? Type = null,
    [property: Id(2)] string? SessionId = null,
    [property: Id(3)] string? ThreadId = null,
    [property: Id(4)] int Limit = RecordRules.DefaultQueryLimit,
    [property: Id(5)] string? OrderBy = null);
