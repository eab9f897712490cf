namespace PgAllInOne.GrainInterfaces.Search;

/// <summary>Ranked full-text search with highlighted snippets and pagination (a stateless worker: any key).</summary>
[Alias("pgaio.ISearchWorker")]
public interface ISearchWorker : IGrainWithStringKey
{
    /// <summary>The hits of the query, best first, from its offset, at most its limit.</summary>
    [ReadOnly]
    Task<SearchResult> Search(SearchQuery query);
}
