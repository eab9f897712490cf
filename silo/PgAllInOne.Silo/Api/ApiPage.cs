using Scalar.AspNetCore;

namespace PgAllInOne.Silo.Api;

/// <summary>The OpenAPI document as a browsable page (Scalar).</summary>
public static class ApiPage
{
    /// <summary>Where Scalar's page for the OpenAPI document is served.</summary>
    public const string Path = "/scalar";

    /// <summary>
    /// What the API page may load: only from the silo. Scalar writes its configuration as an inline script and styles
    /// its components inline, hence 'unsafe-inline' for those two; nothing is allowed from another origin.
    /// </summary>
    internal const string Policy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Scalar's API reference for /openapi/v1.json, public like the document itself (trying a call needs a key, as any
    /// call does). Everything it loads comes from the silo: its script is embedded in Scalar.AspNetCore and served
    /// beside the page, the options that would reach Scalar's servers (fonts from its CDN, telemetry, the AI agent,
    /// MCP) are off, and <see cref="Policy"/> keeps the browser from loading anything from elsewhere.
    /// </summary>
    public static IEndpointConventionBuilder MapApiPage(this IEndpointRouteBuilder app) =>
        app.MapScalarApiReference(Path, options => options
                .WithTitle("PgAllInOne HTTP API")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp())
            .AddEndpointFilter((context, next) =>
            {
                context.HttpContext.Response.Headers.ContentSecurityPolicy = Policy;
                context.HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
                return next(context);
            });
}
