using PgAllInOne.GrainInterfaces.Errors;

namespace PgAllInOne.GrainInterfaces.Search;

/// <summary>
/// The languages a document may be labelled with, and a search filtered by — the same list for both. Every document is
/// indexed alike (English stemming beside Chinese character pairs); the label says what the text is and filters searches.
/// </summary>
public static class DocumentLanguages
{
    /// <summary>english, chinese, or simple (neither of the two).</summary>
    public static readonly IReadOnlyList<string> Accepted = ["english", "chinese", "simple"];

    /// <summary>Null when absent; else the language in lower case when accepted, or a <see cref="ValidationException"/> listing the accepted ones.</summary>
    public static string? Check(string? language)
    {
        if (language is null)
        {
            return null;
        }

        var lower = language.ToLowerInvariant();
        return Accepted.Contains(lower) ? lower : throw new ValidationException($"language must be one of {string.Join(", ", Accepted)} (or left out).");
    }
}
