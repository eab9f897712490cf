using System.Text.Json;

namespace PgAllInOne.Api.Contracts.Users;

public sealed record UserEvent(long Id, string Type, JsonElement Data, DateTimeOffset Timestamp);
