namespace PgAllInOne.Api.Contracts.Analytics;

/// <summary>Events of one group: how many, the first and the last.</summary>
public sealed record EventGroupRow(string Key, long Count, DateTimeOffset FirstAt, DateTimeOffset LastAt);
