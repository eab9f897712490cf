namespace PgAllInOne.Silo.Health;

/// <summary>The body of a probe that passes: <c>alive</c> or <c>ready</c>.</summary>
internal sealed record ProbeStatus(string Status);
