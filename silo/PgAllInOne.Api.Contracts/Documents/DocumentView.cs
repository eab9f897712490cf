using System.Text.Json;

namespace PgAllInOne.Api.Contracts.Documents;

public sealed record DocumentView(
    long Id,
    string Title,
    string Content,
    JsonElement Metadata,
    string? Language,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
