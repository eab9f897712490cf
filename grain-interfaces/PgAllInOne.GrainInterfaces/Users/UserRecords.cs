using System.Text.Json;

namespace PgAllInOne.GrainInterfaces.Users;

/// <summary>A user to create.</summary>
/// <param name="Username">3–50 of A–Z, a–z, 0–9, '_', '.', '-'; unique, case-insensitively.</param>
/// <param name="Email">A well-formed address of at most 100 characters; unique, case-insensitively.</param>
/// <param name="Profile">A JSON object of at most 64 KiB; absent: {}.</param>
[GenerateSerializer, Alias("pgaio.NewUser")]
public sealed record NewUser([property: Id(0)] string Username, [property: Id(1)] string Email, [property: Id(2)] JsonElement? Profile = null);

// Made only by grains, from rows they read: the JsonElement inside owns its document, so it crosses calls uncopied.
/// <summary>A user as stored.</summary>
/// <param name="Id">The user's id (its grain's key).</param>
/// <param name="Username">The username, as created.</param>
/// <param name="Email">The email, as created.</param>
/// <param name="Profile">A JSON object.</param>
/// <param name="EventCount">How many events the user has: exact, moved in the same commit as the events.</param>
/// <param name="Version">1 when created, one more with each profile change.</param>
/// <param name="CreatedAt">When the user was created.</param>
/// <param name="UpdatedAt">When the user last changed.</param>
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

/// <summary>An event to append to a user.</summary>
/// <param name="Type">What happened, 1–100 characters.</param>
/// <param name="Data">A JSON object, kept as sent.</param>
/// <param name="Timestamp">When it happened; absent: when it is stored.</param>
[GenerateSerializer, Alias("pgaio.NewEvent")]
public sealed record NewEvent([property: Id(0)] string Type, [property: Id(1)] JsonElement? Data = null, [property: Id(2)] DateTimeOffset? Timestamp = null);

/// <summary>An event of a user, as stored.</summary>
/// <param name="Id">The event's id.</param>
/// <param name="Type">What happened.</param>
/// <param name="Data">The JSON sent with it.</param>
/// <param name="Timestamp">When it happened.</param>
[GenerateSerializer, Alias("pgaio.UserEvent")]
public sealed record UserEvent([property: Id(0)] long Id, [property: Id(1)] string Type, [property: Id(2)] JsonElement Data, [property: Id(3)] DateTimeOffset Timestamp);

/// <summary>Which events to list: newest first, within [From, To), of one type if given, at most Limit (1–<see cref="EventRules.MaxLimit"/>).</summary>
[GenerateSerializer, Alias("pgaio.EventQuery")]
public sealed record EventQuery([property: Id(0)] DateTimeOffset? From = null, [property: Id(1)] DateTimeOffset? To = null, [property: Id(2)] string? Type = null, [property: Id(3)] int Limit = EventRules.DefaultLimit);
