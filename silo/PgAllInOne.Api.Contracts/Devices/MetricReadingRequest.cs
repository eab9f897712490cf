using System.Text.Json;

namespace PgAllInOne.Api.Contracts.Devices;

public sealed record MetricReadingRequest(string? Metric, double? Value, DateTimeOffset? Time = null, JsonElement? Tags = null);
