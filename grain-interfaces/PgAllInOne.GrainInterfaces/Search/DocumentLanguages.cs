using PgAllInOne.GrainInterfaces.Errors;

namespace PgAllInOne.GrainInterfaces.Search;

/// <summary>
/// The languages a document may be labelled with, and a search filtered by — the same list for both. Every document is
/// indexed alike (English stemming beside Chinese character pairs); the label says what the text is and filters searches.
/// </summary>
public static class DocumentLanguages
{
    /// <summary>english, chinese, or simple (neither of the two): the names a language is stored and shown by.</summary>
    public static readonly IReadOnlyList<string> Accepted = ["english", "chinese", "simple"];

    /// <summary>
    /// Every accepted value as an ECMA-262 pattern (OpenAPI's): a name of <see cref="Accepted"/>, or a BCP 47 tag whose
    /// primary language is en or zh (en-US, zh-Hans-CN, zh-TW), in any case.
    /// </summary>
    public const string Pattern =
        "^([Ee][Nn][Gg][Ll][Ii][Ss][Hh]|[Cc][Hh][Ii][Nn][Ee][Ss][Ee]|[Ss][Ii][Mm][Pp][Ll][Ee]|([Ee][Nn]|[Zz][Hh])(-[A-Za-z0-9]{1,8})*)$";

    /// <summary>What is accepted, as an error message says it.</summary>
    public const string Description =
        "one of english, chinese, simple, or a language tag of English or Chinese such as en, en-US, zh, zh-CN, zh-Hans, zh-TW (any case)";

    /// <summary>
    /// Null when absent; else the accepted name (<see cref="Accepted"/>) of the language or tag, or a
    /// <see cref="ValidationException"/> naming <paramref name="field"/> and what it accepts.
    /// </summary>
    public static string? Check(string? language, string field = "language")
    {
        if (language is null)
        {
            return null;
        }

        return Name(language) ?? throw new ValidationException($"{field} must be {Description} (or left out).");
    }

    // A name in any case, or a tag by its primary subtag: BCP 47 subtags are 1-8 ASCII letters or digits joined by '-'.
    private static string? Name(string language)
    {
        var lower = language.ToLowerInvariant();
        if (Accepted.Contains(lower))
        {
            return lower;
        }

        var subtags = lower.Split('-');
        if (subtags.Any(subtag => subtag.Length is 0 or > 8 || !subtag.All(char.IsAsciiLetterOrDigit)))
        {
            return null;
        }

        return subtags[0] switch
        {
            "en" => "english",
            "zh" => "chinese",
            _ => null,
        };
    }
}
