namespace PgAllInOne.GrainInterfaces.Search;

/// <summary>The limits of a search that <see cref="ISearchWorker"/> enforces, and the HTTP facade states.</summary>
public static class SearchRules
{
    /// <summary>Most characters of a search's query.</summary>
    public const int MaxQueryLength = 500;

    /// <summary>Most hits one search returns.</summary>
    public const int MaxLimit = 1000;

    /// <summary>How many hits a search returns when it does not say.</summary>
    public const int DefaultLimit = 20;

    /// <summary>Most hits a search may skip.</summary>
    public const int MaxOffset = 100_000;
}
