namespace PgAllInOne.Postgres;

/// <summary>
/// One host of the connection string as last seen: its role and, for a standby, how far behind the primary it is
/// (<see cref="Lag"/>: the time since the primary had written no more than the standby has replayed).
/// </summary>
/// <param name="Host"><c>host:port</c>.</param>
/// <param name="ReplayedAsOf">For a standby: when the primary was last seen at a position the standby has replayed; everything committed before then is on it.</param>
public sealed record HostStatus(string Host, HostRole Role, TimeSpan? Lag, DateTimeOffset? ReplayedAsOf);
