namespace PgAllInOne.Runtime.Membership;

/// <summary>One row of the membership table.</summary>
public sealed record SiloEntry(
    string SiloId,
    long Generation,
    string Endpoint,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset LastHeartbeat)
{
    public const string Active = "active";
    public const string ShuttingDown = "shutting_down";
    public const string Dead = "dead";

    public bool IsActive => Status == Active;
}
