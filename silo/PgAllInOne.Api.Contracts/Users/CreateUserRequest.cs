using System.Text.Json;

namespace PgAllInOne.Api.Contracts.Users;

// Request bodies as they arrive: every field nullable, so that a missing one is reported by name, not as a bind failure.
public sealed record CreateUserRequest(string? Username, string? Email, JsonElement? Profile);
