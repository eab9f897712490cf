namespace PgAllInOne.Api.Contracts.Documents;

/// <summary>One hit; the snippet marks matches with &lt;mark&gt;…&lt;/mark&gt;.</summary>
public sealed record SearchHit(long Id, string Title, string Snippet, double Rank);
