namespace PgAllInOne.Silo.Auth;

/// <summary>
/// Names of the dashboard's browser session: a browser sends no bearer header of its own, so the key page exchanges a
/// key for a cookie holding a Data Protection ticket with the key's id and role (never the key itself).
/// </summary>
public static class DashboardSession
{
    /// <summary>The cookie authentication scheme.</summary>
    public const string CookieScheme = "DashboardCookie";

    /// <summary>Forwards to <see cref="ApiKeyAuthenticationHandler"/> when a request presents a key, else to the cookie.</summary>
    public const string Scheme = "Dashboard";

    /// <summary>The policy of the dashboard's pages and JSON: at least a reader key, by header or by session cookie.</summary>
    public const string Policy = "dashboard-reader";

    public const string CookieName = "pgaio_dashboard";

    public const string LoginPath = "/dashboard/login";

    /// <summary>A session lasts this long after its last request.</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromHours(8);
}
