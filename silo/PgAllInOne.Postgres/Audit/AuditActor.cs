namespace PgAllInOne.Postgres.Audit;

/// <summary>Who did an audited action: the acting API key (id and name), the client's address, the request's trace id.</summary>
public sealed record AuditActor(long? KeyId, string? KeyName, string? ClientAddress, string? RequestId)
{
    /// <summary>The silo itself (the first admin key it creates, a maintenance round): no key, no client.</summary>
    public static AuditActor Silo { get; } = new(null, "silo", null, null);

    /// <summary>Nothing known of the caller (a grain called by a cluster client rather than through HTTP).</summary>
    public static AuditActor Unknown { get; } = new(null, null, null, null);
}
