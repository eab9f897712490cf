using System.Text.Json;

namespace PgAllInOne.GrainInterfaces.Search;

[GenerateSerializer, Alias("pgaio.NewDocument")]
public sealed record NewDocument([property: Id(0)] string Title, [property: Id(1)] string Content, [property: Id(2)] JsonElement? Metadata = null, [property: Id(3)] string? Language = null);

/// <summary>A web-search query (quotes, or, -), English stemmed; Chinese, Japanese and Korean runs match as phrases.</summary>
[GenerateSerializer, Alias("pgaio.SearchQuery")]
public sealed record SearchQuery([property: Id(0)] string Q, [property: Id(1)] int Limit = SearchRules.DefaultLimit, [property: Id(2)] int Offset = 0, [property: Id(3)] string? Language = null);

/// <summary>One hit; the snippet marks matches with &lt;mark&gt;…&lt;/mark&gt;.</summary>
[GenerateSerializer, Alias("pgaio.SearchHit")]
public sealed record SearchHit([property: Id(0)] long Id, [property: Id(1)] string Title, [property: Id(2)] string Snippet, [property: Id(3)] double Rank);

[GenerateSerializer, Alias("pgaio.SearchResult")]
public sealed record SearchResult([property: Id(0)] IReadOnlyList<SearchHit> Hits, [property: Id(1)] double TookMs);

// Made only by grains, from rows they read: the JsonElement inside owns its document, so it crosses calls uncopied.
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
