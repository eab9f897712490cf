using System.Text.Json;

namespace PgAllInOne.Api.Contracts.Records;

public sealed record RecordQueryRequest(JsonElement? Filter, string? Type, string? SessionId, string? ThreadId, int? Limit, string? OrderBy);
