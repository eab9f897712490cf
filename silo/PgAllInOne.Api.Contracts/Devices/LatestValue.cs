namespace PgAllInOne.Api.Contracts.Devices;

public sealed record LatestValue(string Metric, double Value, DateTimeOffset Time);
