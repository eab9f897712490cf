using PgAllInOne.Api.Contracts.Documents;
using Grain = PgAllInOne.GrainInterfaces.Search;

namespace PgAllInOne.Silo.Api.Documents;

/// <summary>The HTTP contract's documents and search results, written from the grains' records.</summary>
internal static class DocumentResponses
{
    public static DocumentView ToResponse(this Grain.DocumentView document) =>
        new(document.Id, document.Title, document.Content, document.Metadata, document.Language, document.CreatedAt, document.UpdatedAt);

    public static SearchResult ToResponse(this Grain.SearchResult result) =>
        new(result.Hits.Select(h => new SearchHit(h.Id, h.Title, h.Snippet, h.Rank)).ToList(), result.TookMs);
}
