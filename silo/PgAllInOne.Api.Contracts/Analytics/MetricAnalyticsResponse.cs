namespace PgAllInOne.Api.Contracts.Analytics;

public sealed record MetricAnalyticsResponse(IReadOnlyList<MetricSeriesRow> Rows, DateTimeOffset ComputedAt);
