using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;

namespace PgAllInOne.Cli;

/// <summary>Options that several commands declare alike, with their parsing and checks done by the parser (errors before any request).</summary>
public static class CliOptions
{
    /// <summary>"10s", "500ms", "2m", "1h", or a bare number of seconds.</summary>
    public static Option<TimeSpan> Duration(string name, TimeSpan defaultValue, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (TryParseDuration(text, out var value) && value > TimeSpan.Zero)
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a positive duration (e.g. 500ms, 10s, 2m, 1h)");
            return default;
        },
    };

    /// <summary>An RFC 3339 time or a date; without an offset it is UTC.</summary>
    public static Option<DateTimeOffset?> Time(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a time (e.g. 2026-11-01 or 2026-11-01T10:00:00Z)");
            return null;
        },
    };

    public static Option<int> Positive(string name, int defaultValue, string description, int max = int.MaxValue) =>
        Bounded(name, defaultValue, description, 1, max);

    public static Option<int> Bounded(string name, int defaultValue, string description, int min, int max = int.MaxValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < min || value > max)
            {
                result.AddError(max == int.MaxValue ? $"{name} must be at least {min}" : $"{name} must be between {min} and {max}");
            }
        });
        return option;
    }

    /// <summary>A JSON object given inline, parsed before any request so that a typo is reported as a usage error.</summary>
    public static Option<JsonElement?> JsonObject(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return document.RootElement.Clone();
                }

                result.AddError($"{name} must be a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            }
            catch (JsonException e)
            {
                result.AddError($"{name} is not valid JSON: {e.Message}");
            }

            return null;
        },
    };

    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        text = text.Trim();
        var (number, unit) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        var ok = double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && double.IsFinite(amount) && amount * unit < TimeSpan.MaxValue.TotalSeconds;
        value = ok ? TimeSpan.FromSeconds(amount * unit) : default;
        return ok;
    }
}
