using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Dashboard;

/// <summary>POST /dashboard/session exchanges a key for a session cookie; DELETE /dashboard/session ends it.</summary>
internal static partial class DashboardSessions
{
    private const int MaxBodyBytes = 4096;

    public static async Task<Results<NoContent, ProblemHttpResult>> OpenAsync(HttpContext context, ApiKeyStore keys, ILogger<DashboardSessionEvents> logger)
    {
        if (!IsSameOrigin(context.Request))
        {
            // A page elsewhere must not sign this browser in under a key of its choosing.
            return TypedResults.Problem("Keys are exchanged only from the silo's own key page.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        var presented = await ReadKeyAsync(context.Request, context.RequestAborted);
        if (presented is null)
        {
            return TypedResults.Problem("Send the key as JSON {\"key\": \"...\"} or as the form field 'key'.", statusCode: StatusCodes.Status400BadRequest, title: "Bad request");
        }

        var key = await keys.FindAsync(presented, context.RequestAborted);
        if (key is null || !ApiRoles.AtLeast(ApiRoles.Reader).Contains(key.Role, StringComparer.Ordinal))
        {
            return TypedResults.Problem("The API key is unknown or revoked.", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        }

        // The ticket names the key by id only, so that each request can ask the key store whether it is still live.
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role), new Claim(ApiKeyAuthenticationHandler.KeyIdClaim, key.Id.ToString(CultureInfo.InvariantCulture))],
            DashboardSession.CookieScheme);
        await context.SignInAsync(DashboardSession.CookieScheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
        LogSessionOpened(logger, key.Id, key.Name, key.Role);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> CloseAsync(HttpContext context, ILogger<DashboardSessionEvents> logger)
    {
        await context.SignOutAsync(DashboardSession.CookieScheme);
        LogSessionClosed(logger);
        return TypedResults.NoContent();
    }

    // Browsers send Origin with every POST; a client without one (curl, tests) is not a cross-site page.
    private static bool IsSameOrigin(HttpRequest request) =>
        request.Headers.Origin.ToString() is not { Length: > 0 } origin
        || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);

    private static async Task<string?> ReadKeyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is > MaxBodyBytes)
        {
            return null;
        }

        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            return form["key"].ToString() is { Length: > 0 } field ? field.Trim() : null;
        }

        if (request.HasJsonContentType())
        {
            try
            {
                var body = await JsonSerializer.DeserializeAsync(request.Body, DashboardJsonContext.Default.SessionRequest, cancellationToken);
                return body?.Key is { Length: > 0 } key ? key.Trim() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }

    [LoggerMessage(EventId = LogEvents.DashboardSessionOpened, Level = LogLevel.Information, Message = "Opened a dashboard session for key {KeyId} ({Name}, {Role})")]
    private static partial void LogSessionOpened(ILogger logger, long keyId, string name, string role);

    [LoggerMessage(EventId = LogEvents.DashboardSessionClosed, Level = LogLevel.Information, Message = "Closed a dashboard session")]
    private static partial void LogSessionClosed(ILogger logger);
}
