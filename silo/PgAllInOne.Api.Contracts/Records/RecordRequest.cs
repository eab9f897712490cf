using System.Text.Json;

namespace PgAllInOne.Api.Contracts.Records;

public sealed record RecordRequest(JsonElement? Data, string? Type, string? SessionId, string? ThreadId, JsonElement? Metadata, int? TtlSeconds);
