using Microsoft.OpenApi;
using PgAllInOne.Api.Contracts.Archive;
using PgAllInOne.Silo.Api.OpenApi;

namespace PgAllInOne.Silo.Api.Archive;

/// <summary>What the archive's endpoints accept and answer, as the OpenAPI document and the problem details state it.</summary>
internal static class ArchiveContract
{
    public const string DayForm = "a UTC date yyyy-MM-dd";

    public static readonly FieldRule Day = new("The archived UTC day, yyyy-MM-dd.", JsonSchemaType.String, "date", Required: true, Example: "\"2026-11-01\"", Form: DayForm);

    public static readonly SchemaExample ArchivedDayView = SchemaExample.For<ArchivedDayView>("""{"day":"2026-11-01","file":"metrics_2026_11_01.parquet","generation":1,"readings":259200,"bytes":1843211,"sha256":"9f2c…","archivedAt":"2026-12-07T01:00:02.5+00:00","attachedAt":null}""");
}
