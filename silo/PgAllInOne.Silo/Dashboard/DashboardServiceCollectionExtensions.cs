using Microsoft.AspNetCore.Authentication.Cookies;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// The dashboard's browser session beside the API-key scheme: a Data Protection cookie (HttpOnly, SameSite=Strict)
    /// holding the key's id and role, re-checked against the key store on every request; and the query-cache counters
    /// its PostgreSQL view shows. Orleans' own dashboard services come from <c>siloBuilder.AddDashboard()</c>.
    /// </summary>
    public static IServiceCollection AddSiloDashboard(this IServiceCollection services)
    {
        services.AddSingleton<CacheCounters>();
        services.AddSingleton<DashboardSessionEvents>();
        services.AddAuthentication()
            .AddPolicyScheme(DashboardSession.Scheme, "API key or dashboard session", options =>
                options.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.PresentedKey(context.Request) is null
                    ? DashboardSession.CookieScheme
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddCookie(DashboardSession.CookieScheme, options =>
            {
                options.Cookie.Name = DashboardSession.CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // the default address is plain HTTP on loopback
                options.Cookie.Path = "/"; // the PostgreSQL view reads /api/dashboard/database
                options.ExpireTimeSpan = DashboardSession.IdleLifetime;
                options.SlidingExpiration = true;
                options.LoginPath = DashboardSession.LoginPath;
                options.EventsType = typeof(DashboardSessionEvents);
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(DashboardSession.Policy, policy => policy
                .AddAuthenticationSchemes(DashboardSession.Scheme)
                .RequireRole(ApiRoles.AtLeast(ApiRoles.Reader)));
        return services;
    }
}
