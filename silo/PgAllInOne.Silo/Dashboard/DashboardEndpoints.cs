using Orleans.Dashboard;
using PgAllInOne.Silo.Api.OpenApi;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Dashboard;

public static class DashboardEndpoints
{
    private static readonly Lazy<DashboardPage> KeyPage = new(() => DashboardPage.Load("login.html"));
    private const string OrleansDashboardPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly Lazy<DashboardPage> DatabasePage = new(() => DashboardPage.Load("database.html"));

    /// <summary>
    /// Sets the security headers of the pages under /dashboard. Orleans' dashboard embeds all it needs; the browser itself
    /// then refuses anything from elsewhere. Its markup and charts set inline styles, hence 'unsafe-inline' for styles
    /// only. Our own pages replace this with theirs.
    /// </summary>
    public static IApplicationBuilder UseDashboardSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers.ContentSecurityPolicy = OrleansDashboardPolicy;
            context.Response.Headers.XContentTypeOptions = "nosniff";
        }

        return next(context);
    });

    /// <summary>
    /// Orleans' dashboard under /dashboard (page, script and JSON API), the key page /dashboard/login with
    /// POST/DELETE /dashboard/session, the PostgreSQL view /dashboard/database and its JSON GET /api/dashboard/database;
    /// all but the key page need at least a reader key, by header or by session cookie.
    /// </summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<CacheCounters>(); // listening from the start, not from the first view
        app.MapOrleansDashboard("/dashboard").RequireAuthorization(DashboardSession.Policy);

        var ours = app.MapGroup("/dashboard").ExcludeFromDescription();
        ours.MapGet("/login", (HttpResponse response) => KeyPage.Value.Serve(response)).AllowAnonymous();
        ours.MapPost("/session", DashboardSessions.OpenAsync).AllowAnonymous().DisableAntiforgery();
        ours.MapDelete("/session", DashboardSessions.CloseAsync).AllowAnonymous();
        ours.MapGet("/database", (HttpResponse response) => DatabasePage.Value.Serve(response)).RequireAuthorization(DashboardSession.Policy);

        app.MapGet("/api/dashboard/database", DatabaseView.ReadAsync).WithTags("Cluster").RequireAuthorization(DashboardSession.Policy)
            .WithExamples(DatabaseView.Example);
        return app;
    }
}
