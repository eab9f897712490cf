using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace PgAllInOne.Silo.Auth;

/// <summary>
/// Re-checks on every request that the session's key is still live (a revoked key ends its sessions at once, on every
/// silo, through the key store's revocation notifications), sends page loads without a session to the key page and
/// answers everything else with problem details.
/// </summary>
public sealed partial class DashboardSessionEvents(ApiKeyStore keys, ILogger<DashboardSessionEvents> logger) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var claim = context.Principal?.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim);
        var key = long.TryParse(claim, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? await keys.FindByIdAsync(id, context.HttpContext.RequestAborted)
            : null;
        if (key is null)
        {
            LogSessionRefused(logger, claim);
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(DashboardSession.CookieScheme);
        }
    }

    public override async Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (IsPageLoad(context.Request))
        {
            context.Response.Redirect(context.RedirectUri);
            return;
        }

        await Results.Problem(
            "A dashboard session or an API key is required: open /dashboard in a browser, or send 'Authorization: Bearer <key>'.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized").ExecuteAsync(context.HttpContext);
    }

    public override async Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        await Results.Problem("This session's key may not do this.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(context.HttpContext);

    // Only a browser navigating to a page goes to the key page; the dashboards' own JSON requests get a plain 401.
    private static bool IsPageLoad(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && request.GetTypedHeaders().Accept.Any(accept => accept.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    [LoggerMessage(EventId = LogEvents.DashboardSessionRefused, Level = LogLevel.Information, Message = "Refused a dashboard session: its key {KeyId} is revoked or unknown")]
    private static partial void LogSessionRefused(ILogger logger, string? keyId);
}
