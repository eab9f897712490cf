namespace PgAllInOne.Postgres;

/// <summary>What a host of the connection string was found to be when last asked.</summary>
public enum HostRole
{
    Unreachable,
    Primary,
    Standby,
}
