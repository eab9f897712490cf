using System.Text;
using System.Text.Json;
using PgAllInOne.GrainInterfaces.Errors;

namespace PgAllInOne.Silo.Api;

/// <summary>
/// What in a JSON body cannot be stored, checked before anything binds it (by <see cref="JsonBodyValidation"/>, once the
/// body is known to be UTF-8 JSON): strings or names that are not valid Unicode once unescaped (an escaped lone surrogate
/// such as \ud800, which System.Text.Json parses and refuses only when the string is read, and PostgreSQL's jsonb
/// refuses), escaped NUL characters, and numbers beyond PostgreSQL's numeric. One check here covers every endpoint:
/// <see cref="JsonBodyValidation"/> finds whether a body holds such a value as it checks the syntax, and only a body
/// that does is read again here, keeping the path, to say where.
/// </summary>
internal static class StorableJson
{
    // Deeper than any limit, so that depth is JsonBodyValidation's to report.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 4096 };

    /// <summary>What in the JSON cannot be stored, naming where (such as <c>events[2].data.name</c>), or null.</summary>
    internal static string? Problem(ReadOnlySpan<byte> json)
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
            // Malformed: JsonBodyValidation reports it.
        }

        return null;
    }

    /// <summary>Whether the reader's (escaped) string or name is storable text once unescaped.</summary>
    internal static bool IsStorableText(ref Utf8JsonReader reader) => JsonValueRules.TextProblem(Unescaped(ref reader), "") is null;

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
