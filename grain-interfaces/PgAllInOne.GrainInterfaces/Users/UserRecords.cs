using System.Text.Json;

namespace PgAllInOne.GrainInterfaces.Users;

public sealed record NewUser(string Username, string Email, JsonElement? Profile = null);

// Made only by grains, from rows they read: the JsonElement inside owns its document, so it crosses calls uncopied.
[Immutable]
public sealed record UserView(
    long Id,
    string Username,
    string Email,
    JsonElement Profile,
    long EventCount,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record NewEvent(string Type, JsonElement? Data = null, DateTimeOffset? Timestamp = null);

public sealed record UserEvent(long Id, string Type, JsonElement Data, DateTimeOffset Timestamp);

/// <summary>Which events to list: newest first, within [From, To), of one type if given, at most Limit (1–1000).</summary>
public sealed record EventQuery(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Type = null, int Limit = 100);
