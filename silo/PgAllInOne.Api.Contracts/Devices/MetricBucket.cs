namespace PgAllInOne.Api.Contracts.Devices;

public sealed record MetricBucket(DateTimeOffset Start, double Value, long Count);
