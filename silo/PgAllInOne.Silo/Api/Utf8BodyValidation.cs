using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using PgAllInOne.GrainInterfaces.Errors;

namespace PgAllInOne.Silo.Api;

/// <summary>
/// Refuses JSON bodies whose text cannot be stored before anything binds them: bytes that are not UTF-8, strings or
/// names that are not valid Unicode once unescaped (an escaped lone surrogate such as \ud800, which System.Text.Json
/// parses and refuses only when the string is read, and PostgreSQL's jsonb refuses), escaped NUL characters, and
/// numbers beyond PostgreSQL's numeric. One check here covers every endpoint; malformed JSON is left to the binder,
/// whose error says where it broke.
/// </summary>
internal static class Utf8BodyValidation
{
    // Deeper than any limit the binder is given, so that a too-deep body is reported by the binder with its own words.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 4096 };

    public static IApplicationBuilder UseUtf8BodyValidation(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.ContentLength is not 0 && request.HasJsonContentType())
        {
            // Read once into memory (Kestrel's size limit applies while reading); the binder then reads this copy.
            var body = new MemoryStream(request.ContentLength is > 0 and <= int.MaxValue ? (int)request.ContentLength : 4096);
            context.Response.RegisterForDispose(body);
            await request.Body.CopyToAsync(body, context.RequestAborted);
            var bytes = body.GetBuffer().AsSpan(0, (int)body.Length);
            var problem = !Utf8.IsValid(bytes) ? "The body is not valid UTF-8." : JsonProblem(bytes);
            if (problem is not null)
            {
                await Results.Problem(problem, statusCode: 400, title: "Invalid text").ExecuteAsync(context);
                return;
            }

            body.Position = 0;
            request.Body = body;
        }

        await next(context);
    });

    /// <summary>What in the JSON cannot be stored, naming where (such as <c>events[2].data.name</c>), or null.</summary>
    internal static string? JsonProblem(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        frames[^1] = frames[^1] with { Name = null };
                        var name = reader.ValueIsEscaped ? Unescaped(ref reader) : Encoding.UTF8.GetString(reader.ValueSpan);
                        if (JsonValueRules.TextProblem(name, Where(frames, " (a name in it)")) is { } nameProblem)
                        {
                            return nameProblem;
                        }

                        frames[^1] = frames[^1] with { Name = name };
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        continue;
                }

                if (frames.Count > 0 && frames[^1].IsArray)
                {
                    frames[^1] = frames[^1] with { Index = frames[^1].Index + 1 };
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray, -1, null));
                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        if (JsonValueRules.TextProblem(Unescaped(ref reader), Where(frames, "")) is { } textProblem)
                        {
                            return textProblem;
                        }

                        break;
                    case JsonTokenType.Number:
                        if (JsonValueRules.NumberProblem(reader.ValueSpan, Where(frames, "")) is { } numberProblem)
                        {
                            return numberProblem;
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed or too deep: the binder reports it.
        }

        return null;
    }

    private static string? Unescaped(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Where(List<Frame> frames, string suffix)
    {
        var path = new StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsArray)
            {
                path.Append('[').Append(frame.Index).Append(']');
            }
            else if (frame.Name is not null)
            {
                path.Append(path.Length > 0 ? "." : "").Append(frame.Name);
            }
        }

        return (path.Length == 0 ? "The body" : path.ToString()) + suffix;
    }

    private readonly record struct Frame(bool IsArray, int Index, string? Name);
}
