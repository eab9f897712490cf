using Microsoft.AspNetCore.Http.Metadata;

namespace PgAllInOne.Silo.Api;

/// <summary>
/// The product's words for the answers routing gives without an endpoint of ours: no such path (404), a path that
/// exists with other methods (405, with Allow), and a body of a type the endpoint does not read (415).
/// </summary>
internal static class StatusCodeProblems
{
    /// <summary>Fills title and detail of a problem that has none (those written by the status code pages).</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail is not null)
        {
            return;
        }

        var request = context.HttpContext.Request;
        var (title, detail) = problem.Status switch
        {
            404 => ("Not found", $"There is nothing at {request.Method} {request.Path}: see /openapi/v1.json."),
            405 => ("Method not allowed", $"{request.Path} accepts {Allowed(context.HttpContext.Response)}, not {request.Method}."),
            415 => ("Unsupported content type", UnsupportedContentType(request)),
            _ => (problem.Title, null),
        };
        problem.Title = title;
        problem.Detail = detail;
    }

    /// <summary>The detail of a 415: what was sent and what to send.</summary>
    public static string UnsupportedContentType(HttpRequest request)
    {
        var sent = string.IsNullOrEmpty(request.ContentType) ? "no Content-Type" : $"Content-Type '{HttpInput.Shorten(request.ContentType)}'";
        var accepted = request.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes is { Count: > 0 } types
            ? string.Join(" or ", types)
            : "application/json";
        return $"This request's body must be JSON, sent with Content-Type: {accepted}; it came with {sent}.";
    }

    private static string Allowed(HttpResponse response) =>
        response.Headers.Allow.ToString() is { Length: > 0 } allow ? string.Join(" or ", allow.Split(',', StringSplitOptions.TrimEntries)) : "other methods";
}
