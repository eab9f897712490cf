using System.Globalization;
using System.Text.Json;
using PgAllInOne.GrainInterfaces.Errors;

namespace PgAllInOne.Silo.Api;

/// <summary>Checks of input that arrives outside bodies: ids in paths, If-Match, durations and times in query strings.</summary>
internal static class HttpInput
{
    private static readonly Dictionary<char, TimeSpan> DurationUnits = new()
    {
        ['s'] = TimeSpan.FromSeconds(1),
        ['m'] = TimeSpan.FromMinutes(1),
        ['h'] = TimeSpan.FromHours(1),
        ['d'] = TimeSpan.FromDays(1),
    };

    /// <summary>A key of a grain named in the path: 1–200 characters, none of them control characters.</summary>
    public static string Key(string value, string name) =>
        value.Length is 0 or > 200 || value.Any(char.IsControl) ? throw new ValidationException($"{name} must be 1-200 characters without control characters.") : TextRules.Check(value, name)!;

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

    /// <summary>A duration such as 30s, 1m, 5m, 1h, 1d (or a TimeSpan such as 00:05:00).</summary>
    public static TimeSpan Duration(string? value, string name, TimeSpan fallback)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
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

    /// <summary>A body's JSON object or array of objects as a list, at most <paramref name="max"/> long.</summary>
    public static List<T> OneOrMany<T>(JsonElement body, int max, Func<JsonElement, T?> read, string name)
    {
        var items = body.ValueKind switch
        {
            JsonValueKind.Object => [body],
            JsonValueKind.Array when body.GetArrayLength() is > 0 and var n && n <= max => body.EnumerateArray().ToList(),
            JsonValueKind.Array => throw new ValidationException($"Send 1 to {max} {name} at once."),
            _ => throw new ValidationException($"The body must be one {name[..^1]} object or an array of them."),
        };
        return items.Select((item, i) => item.ValueKind == JsonValueKind.Object
            ? read(item) ?? throw new ValidationException($"{name}[{i}] is empty.")
            : throw new ValidationException($"{name}[{i}] must be an object.")).ToList();
    }
}
