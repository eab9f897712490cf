namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>
/// What text may hold before it is stored or queried: valid Unicode (no half of a surrogate pair), no NUL (PostgreSQL
/// cannot store it) and, in names, ids and short fields, no control characters. Free text (a document's content)
/// keeps them: real text files carry tabs, page breaks and terminal escapes, and PostgreSQL stores them as they are.
/// </summary>
public static class TextRules
{
    /// <summary>Returns <paramref name="value"/> when it keeps the rules; throws <see cref="ValidationException"/> naming the field otherwise.</summary>
    public static string? Check(string? value, string field, bool freeText = false)
    {
        if (value is null)
        {
            return null;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ValidationException($"{field} is not valid Unicode text: character {i} is half of a surrogate pair.");
            }
            else if (c == '\0')
            {
                throw new ValidationException($"{field} must not contain NUL characters, which cannot be stored.");
            }
            else if (char.IsControl(c) && !freeText)
            {
                throw new ValidationException($"{field} must not contain control characters (character {i} is U+{(int)c:X4}).");
            }
        }

        return value;
    }
}
