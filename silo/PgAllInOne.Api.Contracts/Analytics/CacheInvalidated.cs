namespace PgAllInOne.Api.Contracts.Analytics;

public sealed record CacheInvalidated(bool Invalidated);
