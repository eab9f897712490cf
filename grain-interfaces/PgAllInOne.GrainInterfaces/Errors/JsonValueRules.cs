using System.Runtime.InteropServices;
using System.Text.Json;

namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>
/// What a JSON value must be for PostgreSQL's jsonb to take it: every string and name valid Unicode without NUL, and
/// every number within the range of PostgreSQL's numeric. Checked before a write, so that the database never refuses
/// one (which, inside a group commit, would cost the other callers a retry).
/// </summary>
public static class JsonValueRules
{
    private const int MaxDigitsBeforePoint = 131_072;
    private const int MaxDigitsAfterPoint = 16_383;

    /// <summary>Throws <see cref="ValidationException"/> naming the field and where in it the value breaks a rule.</summary>
    public static void Check(JsonElement? value, string field)
    {
        if (value is { } element && element.ValueKind != JsonValueKind.Undefined && Problem(element, field) is { } problem)
        {
            throw new ValidationException(problem);
        }
    }

    /// <summary>The problem of a string's (or name's) unescaped text at <paramref name="path"/>, or null when it is storable.</summary>
    public static string? TextProblem(string? text, string path) =>
        text is null ? $"{path} is not valid Unicode text (it holds an escaped half of a surrogate pair, such as \\ud800)."
        : text.Contains('\0', StringComparison.Ordinal) ? $"{path} must not contain NUL characters (\\u0000), which cannot be stored."
        : null;

    /// <summary>The problem of a number's JSON text at <paramref name="path"/>, or null when PostgreSQL's numeric holds it.</summary>
    public static string? NumberProblem(ReadOnlySpan<byte> number, string path) =>
        IsStorableNumber(number) ? null : NumberMessage(path);

    private static string NumberMessage(string path) =>
        $"{path} is a number beyond what can be stored (at most {MaxDigitsBeforePoint} digits before the decimal point and {MaxDigitsAfterPoint} after it).";

    /// <summary>True when PostgreSQL's numeric (which jsonb numbers are) holds the number of this JSON text.</summary>
    public static bool IsStorableNumber(ReadOnlySpan<byte> number)
    {
        var i = number.Length > 0 && number[0] == '-' ? 1 : 0;
        var start = i;
        while (i < number.Length && number[i] is >= (byte)'0' and <= (byte)'9')
        {
            i++;
        }

        var integer = number[start..i];
        var fraction = ReadOnlySpan<byte>.Empty;
        if (i < number.Length && number[i] == '.')
        {
            start = ++i;
            while (i < number.Length && number[i] is >= (byte)'0' and <= (byte)'9')
            {
                i++;
            }

            fraction = number[start..i];
        }

        long exponent = 0;
        if (i < number.Length && number[i] is (byte)'e' or (byte)'E')
        {
            var negative = ++i < number.Length && number[i] == '-';
            i += i < number.Length && number[i] is (byte)'-' or (byte)'+' ? 1 : 0;
            for (; i < number.Length; i++)
            {
                exponent = (exponent * 10) + (number[i] - '0');
                if (exponent > 1_000_000_000)
                {
                    return false;
                }
            }

            exponent = negative ? -exponent : exponent;
        }

        if (fraction.Length - exponent > MaxDigitsAfterPoint)
        {
            return false;
        }

        var firstInInteger = integer.IndexOfAnyExcept((byte)'0');
        var firstInFraction = fraction.IndexOfAnyExcept((byte)'0');
        var digitsBeforePoint = firstInInteger >= 0 ? integer.Length - firstInInteger + exponent
            : firstInFraction >= 0 ? exponent - firstInFraction
            : 0; // zero
        return digitsBeforePoint <= MaxDigitsBeforePoint;
    }

    private static string? Problem(JsonElement element, string path) =>
        Find(element) is { } found
            ? found.Number ? NumberMessage(path + found.Where) : TextProblem(found.Text, path + found.Where)
            : null;

    // Where below the element a value breaks a rule; the path is built only for the one that does.
    private static (string Where, bool Number, string? Text)? Find(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var name = Text(() => property.Name);
                    if (TextProblem(name, "") is not null)
                    {
                        return (" (a name in it)", false, name);
                    }

                    if (Find(property.Value) is { } inner)
                    {
                        return inner with { Where = "." + name + inner.Where };
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item) is { } inner)
                    {
                        return inner with { Where = $"[{index}]{inner.Where}" };
                    }

                    index++;
                }

                return null;
            case JsonValueKind.String:
                var text = Text(element.GetString);
                return TextProblem(text, "") is null ? null : ("", false, text);
            case JsonValueKind.Number:
                return IsStorableNumber(JsonMarshal.GetRawUtf8Value(element)) ? null : ("", true, null);
            default:
                return null;
        }
    }

    // System.Text.Json parses an escaped lone surrogate and refuses it only when the string is read.
    private static string? Text(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
