using System.Globalization;
using System.Text.Json;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Silo.Api.OpenApi;

namespace PgAllInOne.Silo.Api;

/// <summary>
/// Checks of input that arrives outside bodies (ids in paths, If-Match, durations in query strings), and the product's
/// words for a body value that is valid JSON of the wrong form.
/// </summary>
internal static class HttpInput
{
    /// <summary>What an RFC 3339 time looks like, wherever one is accepted.</summary>
    public const string TimeForm = "an RFC 3339 date and time such as 2026-01-31T12:00:00Z";

    private static readonly Dictionary<char, TimeSpan> DurationUnits = new()
    {
        ['s'] = TimeSpan.FromSeconds(1),
        ['m'] = TimeSpan.FromMinutes(1),
        ['h'] = TimeSpan.FromHours(1),
        ['d'] = TimeSpan.FromDays(1),
    };

    /// <summary>A key of a grain named in the path: 1–<paramref name="maxLength"/> characters, not all blank (Orleans refuses such keys), none of them control characters.</summary>
    public static string Key(string value, string name, int maxLength) =>
        value.Length == 0 || value.Length > maxLength || string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl)
            ? throw new ValidationException($"{name} must be 1-{maxLength} characters, not all blank, without control characters.")
            : TextRules.Check(value, name)!;

    /// <summary>A numeric id named in the path: a whole number from 1 to 9223372036854775807.</summary>
    public static long Id(string value, string name) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw new ValidationException($"{name} must be a whole number from 1 to {long.MaxValue} (got '{Shorten(value)}').");

    /// <summary>
    /// What is wrong with a body value that is valid JSON but not of the accepted form, named by its JSON path (prefixed by
    /// <paramref name="prefix"/> when the value was read out of a larger body) and said in the words of the body's
    /// contract — never by the .NET type it binds to.
    /// </summary>
    public static string InvalidValue(JsonException exception, BodyContract body, string prefix = "$")
    {
        var path = exception.Path is { Length: > 1 } relative && relative.StartsWith('$') ? prefix + relative[1..] : prefix;
        if (path == "$")
        {
            return $"The body must be {body.Shape}.";
        }

        return LastPropertyName(path) is { } field
            ? $"{path} must be {body.FormOf(field)}."
            : $"{path} must be {body.ItemShape ?? body.Shape}.";
    }

    /// <summary>The value as it may be echoed in a message: at most 100 characters.</summary>
    public static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "…";

    // "$.a.b" → "b", "$[0].value" → "value", "$", "$[3]" → null (a whole body or item, not a field).
    private static string? LastPropertyName(string path)
    {
        var end = path.Length;
        if (path.EndsWith(']'))
        {
            var open = path.LastIndexOf('[');
            if (open > 0 && path[open + 1] == '\'')
            {
                return path[(open + 2)..^2]; // $['odd name']
            }

            return null;
        }

        var dot = path.LastIndexOf('.');
        return dot < 0 ? null : path[(dot + 1)..end];
    }

    /// <summary>The version of an If-Match header (<c>3</c>, <c>"3"</c> or <c>W/"3"</c>), or null when absent.</summary>
    public static long? IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            return null;
        }

        var value = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        return long.TryParse(value.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : throw new ValidationException("If-Match must be a version number, such as 3 or \"3\".");
    }

    /// <summary>A duration such as 30s, 1m, 5m, 1h, 1d (or a TimeSpan such as 00:05:00); <paramref name="fallback"/>, in the same form, when absent.</summary>
    public static TimeSpan Duration(string? value, string name, string fallback)
    {
        if (string.IsNullOrEmpty(value))
        {
            value = fallback;
        }

        if (value.Length is > 1 and < 10 && DurationUnits.TryGetValue(value[^1], out var unit)
            && int.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
        {
            return unit * count;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw new ValidationException($"{name} must be a duration such as 30s, 5m, 1h or 1d.");
    }

    /// <summary>A body's JSON object or array of objects as a list, at most <paramref name="max"/> long; <paramref name="item"/> is the contract of one.</summary>
    public static List<T> OneOrMany<T>(JsonElement body, int max, Func<JsonElement, T?> read, string name, BodyContract item)
    {
        var shape = item.Shape;
        var items = body.ValueKind switch
        {
            JsonValueKind.Object => [body],
            JsonValueKind.Array when body.GetArrayLength() is > 0 and var n && n <= max => body.EnumerateArray().ToList(),
            JsonValueKind.Array => throw new ValidationException($"Send 1 to {max} {name} at once."),
            _ => throw new ValidationException($"The body must be {shape}, or an array of 1 to {max} of them."),
        };
        var prefix = body.ValueKind == JsonValueKind.Array ? (Func<int, string>)(i => $"$[{i}]") : _ => "$";
        return items.Select((element, i) => element.ValueKind == JsonValueKind.Object
            ? ReadItem(element, read, prefix(i), item) ?? throw new ValidationException($"{prefix(i)} is empty.")
            : throw new ValidationException($"{prefix(i)} must be {shape}.")).ToList();
    }

    private static T? ReadItem<T>(JsonElement element, Func<JsonElement, T?> read, string prefix, BodyContract item)
    {
        try
        {
            return read(element);
        }
        catch (JsonException exception)
        {
            throw new ValidationException(InvalidValue(exception, item, prefix));
        }
    }
}
