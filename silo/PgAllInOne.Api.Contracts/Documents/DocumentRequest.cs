using System.Text.Json;

namespace PgAllInOne.Api.Contracts.Documents;

public sealed record DocumentRequest(string? Title, string? Content, JsonElement? Metadata, string? Language);
