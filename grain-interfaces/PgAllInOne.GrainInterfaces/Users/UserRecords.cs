using System.Text.Json;

namespace PgAllInOne.GrainInterfaces.Users;

[GenerateSerializer, Alias("pgaio.NewUser")]
public sealed record NewUser([property: Id(0)] string Username, [property: Id(1)] string Email, [property: Id(2)] JsonElement? Profile = null);

// Made only by grains, from rows they read: the JsonElement inside owns its document, so it crosses calls uncopied.
[GenerateSerializer, Alias("pgaio.UserView")]
[Immutable]
public sealed record UserView(
    [property: Id(0)] long Id,
    [property: Id(1)] string Username,
    [property: Id(2)] string Email,
    [property: Id(3)] JsonElement Profile,
    [property: Id(4)] long EventCount,
    [property: Id(5)] long Version,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Alias("pgaio.NewEvent")]
public sealed record NewEvent([property: Id(0)] string Type, [property: Id(1)] JsonElement? Data = null, [property: Id(2)] DateTimeOffset? Timestamp = null);

[GenerateSerializer, Alias("pgaio.UserEvent")]
public sealed record UserEvent([property: Id(0)] long Id, [property: Id(1)] string Type, [property: Id(2)] JsonElement Data, [property: Id(3)] DateTimeOffset Timestamp);

/// <summary>Which events to list: newest first, within [From, To), of one type if given, at most Limit (1–<see cref="EventRules.MaxLimit"/>).</summary>
[GenerateSerializer, Alias("pgaio.EventQuery")]
public sealed record EventQuery([property: Id(0)] DateTimeOffset? From = null, [property: Id(1)] DateTimeOffset? To = null, [property: Id(2)] string? Type = null, [property: Id(3)] int Limit = EventRules.DefaultLimit);
