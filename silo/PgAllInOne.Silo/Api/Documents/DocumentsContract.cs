using Microsoft.OpenApi;
using PgAllInOne.Api.Contracts.Documents;
using PgAllInOne.GrainInterfaces.Search;
using PgAllInOne.Silo.Api.OpenApi;
using DocumentView = PgAllInOne.Api.Contracts.Documents.DocumentView;
using SearchHit = PgAllInOne.Api.Contracts.Documents.SearchHit;
using SearchResult = PgAllInOne.Api.Contracts.Documents.SearchResult;

namespace PgAllInOne.Silo.Api.Documents;

/// <summary>What the documents' and the search's endpoints accept and answer, as the OpenAPI document and the problem details state it.</summary>
internal static class DocumentsContract
{
    public static readonly FieldRule Id = FieldRules.Id("The document's id.");

    public static readonly BodyContract Document = new(typeof(DocumentRequest), nameof(DocumentRequest), "a JSON object {title, content, metadata?, language?}", new Dictionary<string, FieldRule>(StringComparer.Ordinal)
    {
        ["title"] = FieldRules.Text("Indexed with the content, weighted higher.", DocumentRules.MaxTitleLength, required: true, example: "\"Harbour\""),
        ["content"] = new("The text that is searched.", JsonSchemaType.String, Required: true, MaxLength: DocumentRules.MaxContentLength, Example: "\"Ships were sailing into the harbour\""),
        ["metadata"] = FieldRules.Object("A JSON object.", """{"source":"log"}"""),
        ["language"] = new($"What the text is: {DocumentLanguages.Description}, stored as english, chinese or simple; absent: the Content-Language header's. A search may filter by it. Every document is indexed alike (English stemming beside Chinese character pairs).", JsonSchemaType.String, Pattern: DocumentLanguages.Pattern, Example: "\"en-US\""),
    }, """{"title":"Harbour","content":"Ships were sailing into the harbour","metadata":{"source":"log"},"language":"english"}""");

    public static readonly FieldRule Query = FieldRules.Text("Web-search syntax: quotes for phrases, or, - to exclude; Chinese text matches Chinese text.", SearchRules.MaxQueryLength, required: true);
    public static readonly FieldRule Limit = FieldRules.Whole("At most this many hits.", 1, SearchRules.MaxLimit, SearchRules.DefaultLimit);
    public static readonly FieldRule Offset = FieldRules.Whole("Hits to skip.", 0, SearchRules.MaxOffset, 0);
    public static readonly FieldRule Language = new($"Only documents of this language: {DocumentLanguages.Description}.", JsonSchemaType.String, Pattern: DocumentLanguages.Pattern);
    public static readonly FieldRule ContentLanguage = new("The body's language when it names none: one language, accepted as the body's language is.", JsonSchemaType.String);

    public static readonly SchemaExample CreatedId = SchemaExample.For<CreatedId>("""{"id":42}""");
    public static readonly SchemaExample DocumentView = SchemaExample.For<DocumentView>("""{"id":42,"title":"Harbour","content":"Ships were sailing into the harbour","metadata":{"source":"log"},"language":"english","createdAt":"2026-10-01T12:00:00+00:00","updatedAt":"2026-10-01T12:00:00+00:00"}""");
    public static readonly SchemaExample SearchHit = SchemaExample.For<SearchHit>("""{"id":42,"title":"Harbour","snippet":"Ships were <mark>sailing</mark> into the harbour","rank":0.1}""");
    public static readonly SchemaExample SearchResult = SchemaExample.For<SearchResult>("""{"hits":[{"id":42,"title":"Harbour","snippet":"Ships were <mark>sailing</mark> into the harbour","rank":0.1}],"tookMs":1.8}""");
}
