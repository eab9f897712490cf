using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace PgAllInOne.Silo.Api;

/// <summary>
/// Refuses JSON bodies that are not valid UTF-8, do not parse, or nest too deep, before anything binds them — so that
/// "Malformed JSON" means exactly that, and whatever fails later is valid JSON with a value of the wrong form. (System.Text.Json
/// checks string contents only when they are read, so a JsonElement passed through whole could otherwise reach the
/// database mangled.)
/// </summary>
internal static class JsonBodyValidation
{
    public static IApplicationBuilder UseJsonBodyValidation(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.ContentLength is not 0 && request.HasJsonContentType() && context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is not null)
        {
            // Read once into memory (Kestrel's size limit applies while reading); the binder then reads this copy.
            var body = new MemoryStream(request.ContentLength is > 0 and <= int.MaxValue ? (int)request.ContentLength : 4096);
            context.Response.RegisterForDispose(body);
            await request.Body.CopyToAsync(body, context.RequestAborted);
            var bytes = body.GetBuffer().AsSpan(0, (int)body.Length);
            var maxDepth = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxJsonDepth;
            var problem = !Utf8.IsValid(bytes) ? "The body is not valid UTF-8." : SyntaxProblem(bytes, maxDepth);
            if (problem is not null)
            {
                await Results.Problem(problem, statusCode: 400, title: "Malformed JSON").ExecuteAsync(context);
                return;
            }

            if (StorableJson.Problem(bytes) is { } unstorable)
            {
                await Results.Problem(unstorable, statusCode: 400, title: "Invalid text").ExecuteAsync(context);
                return;
            }

            body.Position = 0;
            request.Body = body;
        }

        await next(context);
    });

    /// <summary>Why the bytes are not one JSON value nested at most <paramref name="maxDepth"/> deep, or null when they are.</summary>
    private static string? SyntaxProblem(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 2 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= maxDepth)
                {
                    return $"The body is nested deeper than {maxDepth} levels.";
                }
            }

            return null;
        }
        catch (JsonException exception)
        {
            // The reader's message says what it met and what JSON expects there; the position is said once, 1-based.
            var reason = exception.Message;
            var at = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            reason = (at >= 0 ? reason[..at] : reason).TrimEnd('.', ' ');
            return string.Create(
                CultureInfo.InvariantCulture,
                $"The body is not valid JSON: {reason} (line {(exception.LineNumber ?? 0) + 1}, byte {(exception.BytePositionInLine ?? 0) + 1}).");
        }
    }
}
