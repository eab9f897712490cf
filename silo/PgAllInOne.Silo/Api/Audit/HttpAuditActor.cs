using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using PgAllInOne.Grains.Audit;
using PgAllInOne.Postgres.Audit;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.Audit;

/// <summary>The audit actor of an HTTP request: its key (id and name), the client's address, its trace id.</summary>
internal static class HttpAuditActor
{
    public static AuditActor Of(HttpContext http)
    {
        var keyId = http.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) is { } id && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : (long?)null;
        var keyName = keyId is null ? null : http.User.FindFirstValue(ClaimTypes.Name);
        return new AuditActor(keyId, keyName, http.Connection.RemoteIpAddress?.ToString(), RequestId(http));
    }

    /// <summary>The W3C trace id (of the request's activity, or of its traceparent header when nothing traces here), else ASP.NET Core's request id.</summary>
    private static string RequestId(HttpContext http)
    {
        if (Activity.Current is { } activity)
        {
            return activity.TraceId.ToHexString();
        }

        return http.Request.Headers.TryGetValue("traceparent", out var parent) && ActivityContext.TryParse(parent.ToString(), null, out var context)
            ? context.TraceId.ToHexString()
            : http.TraceIdentifier;
    }

    /// <summary>
    /// Hands the actor of every request that may change something (not GET or HEAD) to the grains it calls, through
    /// Orleans' request context; reads carry nothing extra.
    /// </summary>
    public static IApplicationBuilder UseAuditContext(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                AuditRequestContext.Set(Of(context));
            }

            return next(context);
        });
}
