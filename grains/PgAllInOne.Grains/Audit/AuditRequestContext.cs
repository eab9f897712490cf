using PgAllInOne.Postgres.Audit;

namespace PgAllInOne.Grains.Audit;

/// <summary>
/// Carries the audit actor of an HTTP request to the grains it calls, in Orleans' <see cref="RequestContext"/>: the HTTP
/// facade sets it for writing requests, a grain that records an audited action reads it.
/// </summary>
public static class AuditRequestContext
{
    private const string KeyId = "pgaio.audit.key_id";
    private const string KeyName = "pgaio.audit.key_name";
    private const string ClientAddress = "pgaio.audit.client";
    private const string RequestId = "pgaio.audit.request";

    /// <summary>The actor of the current call chain; <see cref="AuditActor.Unknown"/> when none was set.</summary>
    public static AuditActor Current =>
        RequestContext.Get(KeyName) is null && RequestContext.Get(RequestId) is null
            ? AuditActor.Unknown
            : new(RequestContext.Get(KeyId) as long?, RequestContext.Get(KeyName) as string, RequestContext.Get(ClientAddress) as string, RequestContext.Get(RequestId) as string);

    public static void Set(AuditActor actor)
    {
        Put(KeyId, actor.KeyId);
        Put(KeyName, actor.KeyName);
        Put(ClientAddress, actor.ClientAddress);
        Put(RequestId, actor.RequestId);
    }

    private static void Put(string key, object? value)
    {
        if (value is null)
        {
            RequestContext.Remove(key);
        }
        else
        {
            RequestContext.Set(key, value);
        }
    }
}
