namespace PgAllInOne.Api.Contracts.Documents;

public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, double TookMs);
