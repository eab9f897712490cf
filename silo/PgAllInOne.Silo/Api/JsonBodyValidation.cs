using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using PgAllInOne.GrainInterfaces.Errors;

namespace PgAllInOne.Silo.Api;

/// <summary>
/// Refuses JSON bodies that are not valid UTF-8, do not parse, or nest too deep, before anything binds them — so that
/// "Malformed JSON" means exactly that, and whatever fails later is valid JSON with a value of the wrong form. (System.Text.Json
/// checks string contents only when they are read, so a JsonElement passed through whole could otherwise reach the
/// database mangled.)
/// </summary>
internal static class JsonBodyValidation
{
    private const string Malformed = "Malformed JSON";

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
            if (Problem(bytes, maxDepth) is { } problem)
            {
                await Results.Problem(problem.Detail, statusCode: 400, title: problem.Title).ExecuteAsync(context);
                return;
            }

            body.Position = 0;
            request.Body = body;
        }

        await next(context);
    });

    /// <summary>
    /// In one pass over the body: why it is not UTF-8 JSON nested at most <paramref name="maxDepth"/> deep ("Malformed
    /// JSON"), else whether it holds a value that cannot be stored ("Invalid text", named by <see cref="StorableJson"/>),
    /// else null. A malformed body is reported as such even where a value before the fault could not be stored.
    /// </summary>
    private static (string Title, string Detail)? Problem(ReadOnlySpan<byte> json, int maxDepth)
    {
        if (!Utf8.IsValid(json))
        {
            return (Malformed, "The body is not valid UTF-8.");
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 2 });
        var storable = true;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth >= maxDepth:
                        return (Malformed, $"The body is nested deeper than {maxDepth} levels.");
                    case JsonTokenType.PropertyName or JsonTokenType.String when storable && reader.ValueIsEscaped:
                        storable = StorableJson.IsStorableText(ref reader);
                        break;
                    case JsonTokenType.Number when storable:
                        storable = JsonValueRules.IsStorableNumber(reader.ValueSpan);
                        break;
                }
            }
        }
        catch (JsonException exception)
        {
            // The reader's message says what it met and what JSON expects there; the position is said once, 1-based.
            var reason = exception.Message;
            var at = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            reason = (at >= 0 ? reason[..at] : reason).TrimEnd('.', ' ');
            return (Malformed, string.Create(
                CultureInfo.InvariantCulture,
                $"The body is not valid JSON: {reason} (line {(exception.LineNumber ?? 0) + 1}, byte {(exception.BytePositionInLine ?? 0) + 1})."));
        }

        return storable ? null : ("Invalid text", StorableJson.Problem(json) ?? "The body holds a value that cannot be stored.");
    }
}
