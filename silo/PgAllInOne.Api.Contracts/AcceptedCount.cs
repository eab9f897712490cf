namespace PgAllInOne.Api.Contracts;

/// <summary>How many items of a write were stored (events, readings).</summary>
public sealed record AcceptedCount(int Accepted);
