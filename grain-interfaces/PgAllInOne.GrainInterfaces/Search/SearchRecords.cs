using System.Text.Json;

namespace PgAllInOne.GrainInterfaces.Search;

public sealed record NewDocument(string Title, string Content, JsonElement? Metadata = null, string? Language = null);

/// <summary>A web-search query (quotes, or, -), English stemmed; Chinese, Japanese and Korean runs match as phrases.</summary>
public sealed record SearchQuery(string Q, int Limit = 20, int Offset = 0, string? Language = null);

/// <summary>One hit; the snippet marks matches with &lt;mark&gt;…&lt;/mark&gt;.</summary>
public sealed record SearchHit(long Id, string Title, string Snippet, double Rank);

public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, double TookMs);

// Made only by grains, from rows they read: the JsonElement inside owns its document, so it crosses calls uncopied.
[Immutable]
public sealed record DocumentView(
    long Id,
    string Title,
    string Content,
    JsonElement Metadata,
    string? Language,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
