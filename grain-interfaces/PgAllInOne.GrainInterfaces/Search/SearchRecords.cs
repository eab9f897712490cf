using System.Text.Json;

namespace PgAllInOne.GrainInterfaces.Search;

/// <summary>A document to store and index.</summary>
/// <param name="Title">1–500 characters, indexed with the content and weighted higher.</param>
/// <param name="Content">The text that is searched, at most 1,000,000 characters.</param>
/// <param name="Metadata">A JSON object, kept with the document.</param>
/// <param name="Language">What the text is (<see cref="DocumentLanguages"/>); a search may filter by it.</param>
[GenerateSerializer, Alias("pgaio.NewDocument")]
public sealed record NewDocument([property: Id(0)] string Title, [property: Id(1)] string Content, [property: Id(2)] JsonElement? Metadata = null, [property: Id(3)] string? Language = null);

/// <summary>A web-search query (quotes, or, -), English stemmed; Chinese, Japanese and Korean runs match as phrases.</summary>
[GenerateSerializer, Alias("pgaio.SearchQuery")]
public sealed record SearchQuery([property: Id(0)] string Q, [property: Id(1)] int Limit = SearchRules.DefaultLimit, [property: Id(2)] int Offset = 0, [property: Id(3)] string? Language = null);

/// <summary>One hit; the snippet marks matches with &lt;mark&gt;…&lt;/mark&gt;.</summary>
[GenerateSerializer, Alias("pgaio.SearchHit")]
public sealed record SearchHit([property: Id(0)] long Id, [property: Id(1)] string Title, [property: Id(2)] string Snippet, [property: Id(3)] double Rank);

/// <summary>The hits of a search.</summary>
/// <param name="Hits">Best first.</param>
/// <param name="TookMs">How long the search took, in milliseconds.</param>
[GenerateSerializer, Alias("pgaio.SearchResult")]
public sealed record SearchResult([property: Id(0)] IReadOnlyList<SearchHit> Hits, [property: Id(1)] double TookMs);

// Made only by grains, from rows they read: the JsonElement inside owns its document, so it crosses calls uncopied.
/// <summary>A document as stored.</summary>
/// <param name="Id">The document's id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Content">Its text.</param>
/// <param name="Metadata">A JSON object.</param>
/// <param name="Language">english, chinese or simple; null when it was stored without one.</param>
/// <param name="CreatedAt">When it was added.</param>
/// <param name="UpdatedAt">When it was last replaced.</param>
[GenerateSerializer, Alias("pgaio.DocumentView")]
[Immutable]
public sealed record DocumentView(
    [property: Id(0)] long Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string Content,
    [property: Id(3)] JsonElement Metadata,
    [property: Id(4)] string? Language,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt);
