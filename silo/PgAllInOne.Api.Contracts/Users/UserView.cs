using System.Text.Json;

namespace PgAllInOne.Api.Contracts.Users;

public sealed record UserView(
    long Id,
    string Username,
    string Email,
    JsonElement Profile,
    long EventCount,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
