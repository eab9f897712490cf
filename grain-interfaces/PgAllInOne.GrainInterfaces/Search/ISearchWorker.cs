namespace PgAllInOne.GrainInterfaces.Search;

/// <summary>Ranked full-text search with highlighted snippets and pagination (a stateless worker: any key).</summary>
[Alias("pgaio.ISearchWorker")]
public interface ISearchWorker : IGrainWithStringKey
{
    [ReadOnly]
    Task<SearchResult> Search(SearchQuery query);
}
