using Microsoft.AspNetCore.Http.HttpResults;
using PgAllInOne.GrainInterfaces.Search;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.Documents;

public static class DocumentsApi
{
    public static IEndpointRouteBuilder MapDocumentsApi(this IEndpointRouteBuilder app)
    {
        var documents = app.MapGroup("/api/documents").WithTags("Documents").RequireAuthorization(ApiRoles.Reader);
        documents.MapPost("/", AddAsync).RequireAuthorization(ApiRoles.Writer);
        documents.MapGet("/{id}", GetAsync).ProducesProblem(404);
        documents.MapPut("/{id}", ReplaceAsync).RequireAuthorization(ApiRoles.Writer).ProducesProblem(404);
        documents.MapDelete("/{id}", DeleteAsync).RequireAuthorization(ApiRoles.Writer).ProducesProblem(404);
        app.MapGet("/api/search", SearchAsync).WithTags("Documents").RequireAuthorization(ApiRoles.Reader);
        return app;
    }

    private static async Task<Created<CreatedId>> AddAsync(DocumentRequest request, IGrainFactory grains)
    {
        var id = await Store(grains).Add(ToDocument(request));
        return TypedResults.Created($"/api/documents/{id}", new CreatedId(id));
    }

    private static async Task<Results<Ok<DocumentView>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        await Store(grains).Get(DocumentId(id)) is { } document ? TypedResults.Ok(document) : NotFound(id);

    private static async Task<Results<Ok<DocumentView>, ProblemHttpResult>> ReplaceAsync(string id, DocumentRequest request, IGrainFactory grains) =>
        await Store(grains).Replace(DocumentId(id), ToDocument(request)) is { } document ? TypedResults.Ok(document) : NotFound(id);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IGrainFactory grains) =>
        await Store(grains).Delete(DocumentId(id)) ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Ok<SearchResult>> SearchAsync(string? q, int? limit, int? offset, string? language, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ISearchWorker>("http").Search(new SearchQuery(q ?? "", limit ?? 20, offset ?? 0, language)));

    private static IDocumentsGrain Store(IGrainFactory grains) => grains.GetGrain<IDocumentsGrain>("http");

    private static NewDocument ToDocument(DocumentRequest request) => new(request.Title ?? "", request.Content!, request.Metadata, request.Language);

    private static long DocumentId(string id) => HttpInput.Id(id, "document id");

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"There is no document {id}.", statusCode: 404, title: "Not found");
}
