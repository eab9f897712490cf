using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PgAllInOne.Api.Contracts.Documents;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Search;
using PgAllInOne.Silo.Api.OpenApi;
using PgAllInOne.Silo.Auth;
using DocumentView = PgAllInOne.Api.Contracts.Documents.DocumentView;
using SearchResult = PgAllInOne.Api.Contracts.Documents.SearchResult;

namespace PgAllInOne.Silo.Api.Documents;

public static class DocumentsApi
{
    public static IEndpointRouteBuilder MapDocumentsApi(this IEndpointRouteBuilder app)
    {
        var documents = app.MapGroup("/api/documents").WithTags("Documents").RequireAuthorization(ApiRoles.Reader)
            .WithParameter("id", DocumentsContract.Id)
            .WithExamples(DocumentsContract.DocumentView);
        documents.MapPost("/", AddAsync).RequireAuthorization(ApiRoles.Writer).WithIdempotencyKey()
            .WithBody(DocumentsContract.Document)
            .WithParameter(ContentLanguage, DocumentsContract.ContentLanguage)
            .WithExamples(DocumentsContract.CreatedId);
        documents.MapGet("/{id}", GetAsync).ProducesProblem(404);
        documents.MapPut("/{id}", ReplaceAsync).RequireAuthorization(ApiRoles.Writer).ProducesProblem(404)
            .WithBody(DocumentsContract.Document)
            .WithParameter(ContentLanguage, DocumentsContract.ContentLanguage);
        documents.MapDelete("/{id}", DeleteAsync).RequireAuthorization(ApiRoles.Writer).ProducesProblem(404);
        app.MapGet("/api/search", SearchAsync).WithTags("Documents").RequireAuthorization(ApiRoles.Reader)
            .WithParameter("q", DocumentsContract.Query)
            .WithParameter("limit", DocumentsContract.Limit)
            .WithParameter("offset", DocumentsContract.Offset)
            .WithParameter("language", DocumentsContract.Language)
            .WithExamples(DocumentsContract.SearchResult, DocumentsContract.SearchHit);
        return app;
    }

    private const string ContentLanguage = "Content-Language";

    private static async Task<Created<CreatedId>> AddAsync(
        DocumentRequest request, [FromHeader(Name = ContentLanguage)] string? contentLanguage, [FromHeader(Name = IdempotencyHeader.Name)] string? idempotencyKey, HttpContext context, IGrainFactory grains)
    {
        var key = IdempotencyHeader.Read(idempotencyKey, context);
        var id = await Store(grains).Add(ToDocument(request, contentLanguage), key);
        return TypedResults.Created($"/api/documents/{id}", new CreatedId(id));
    }

    private static async Task<Results<Ok<DocumentView>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        await Store(grains).Get(DocumentId(id)) is { } document ? TypedResults.Ok(document.ToResponse()) : NotFound(id);

    private static async Task<Results<Ok<DocumentView>, ProblemHttpResult>> ReplaceAsync(
        string id, DocumentRequest request, [FromHeader(Name = ContentLanguage)] string? contentLanguage, IGrainFactory grains) =>
        await Store(grains).Replace(DocumentId(id), ToDocument(request, contentLanguage)) is { } document ? TypedResults.Ok(document.ToResponse()) : NotFound(id);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IGrainFactory grains) =>
        await Store(grains).Delete(DocumentId(id)) ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Ok<SearchResult>> SearchAsync(string? q, int? limit, int? offset, string? language, IGrainFactory grains) =>
        TypedResults.Ok((await grains.GetGrain<ISearchWorker>("http").Search(new SearchQuery(q ?? "", limit ?? SearchRules.DefaultLimit, offset ?? 0, language))).ToResponse());

    private static IDocumentsGrain Store(IGrainFactory grains) => grains.GetGrain<IDocumentsGrain>("http");

    private static NewDocument ToDocument(DocumentRequest request, string? contentLanguage) =>
        new(request.Title ?? "", request.Content!, request.Metadata, request.Language ?? BodyLanguage(contentLanguage));

    // Content-Language may list several languages (RFC 9110); a document is labelled with one.
    private static string? BodyLanguage(string? contentLanguage)
    {
        var tags = (contentLanguage ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return tags.Length switch
        {
            0 => null,
            1 => DocumentLanguages.Check(tags[0], ContentLanguage),
            _ => throw new ValidationException($"{ContentLanguage} must name one language (got '{HttpInput.Shorten(contentLanguage!)}')."),
        };
    }

    private static long DocumentId(string id) => HttpInput.Id(id, "document id");

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"There is no document {id}.", statusCode: 404, title: "Not found");
}
