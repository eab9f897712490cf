using System.Text.Json;

namespace PgAllInOne.Api.Contracts.Users;

public sealed record NewEventRequest(string? Type, JsonElement? Data = null, DateTimeOffset? Timestamp = null);
