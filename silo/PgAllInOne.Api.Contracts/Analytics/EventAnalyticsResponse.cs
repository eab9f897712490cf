namespace PgAllInOne.Api.Contracts.Analytics;

public sealed record EventAnalyticsResponse(IReadOnlyList<EventGroupRow> Rows, DateTimeOffset ComputedAt);
