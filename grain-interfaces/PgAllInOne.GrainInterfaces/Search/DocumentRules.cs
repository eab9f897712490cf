namespace PgAllInOne.GrainInterfaces.Search;

/// <summary>The limits of the documents <see cref="IDocumentsGrain"/> stores, which the HTTP facade states.</summary>
public static class DocumentRules
{
    /// <summary>Most characters of a document's title.</summary>
    public const int MaxTitleLength = 500;

    /// <summary>Most characters of a document's content.</summary>
    public const int MaxContentLength = 1_000_000;
}
