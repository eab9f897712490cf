using System.Text.Json.Serialization;
using PgAllInOne.Silo.Dashboard;

namespace PgAllInOne.Silo.Health;

/// <summary>
/// The body of a probe that passes: <c>alive</c> or <c>ready</c>; <c>/readyz</c> adds the PostgreSQL hosts as this
/// silo sees them (which is the primary, the standbys and their lag).
/// </summary>
internal sealed record ProbeStatus(string Status, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DatabaseHost>? Postgres = null);
