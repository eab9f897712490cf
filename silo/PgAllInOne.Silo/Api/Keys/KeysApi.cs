using Microsoft.AspNetCore.Http.HttpResults;
using PgAllInOne.Api.Contracts.Keys;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Silo.Api.Audit;
using PgAllInOne.Silo.Api.OpenApi;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.Keys;

public static class KeysApi
{
    public static RouteGroupBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").WithTags("Keys").RequireAuthorization(ApiRoles.Admin);
        group.MapPost("/", CreateAsync)
            .WithBody(KeysContract.NewKey)
            .WithExamples(KeysContract.CreatedApiKey);
        group.MapGet("/", ListAsync)
            .WithExamples(KeysContract.ApiKey);
        group.MapDelete("/{id}", RevokeAsync).ProducesProblem(404)
            .WithParameter("id", KeysContract.Id);
        return group;
    }

    private static async Task<Created<CreatedApiKey>> CreateAsync(CreateKeyRequest request, ApiKeyStore keys, HttpContext http, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > KeysContract.MaxNameLength || request.Name.Any(char.IsControl))
        {
            throw new ValidationException($"name must be 1-{KeysContract.MaxNameLength} characters without control characters.");
        }

        TextRules.Check(request.Name, "name");

        if (request.Role is null || !ApiRoles.All.Contains(request.Role))
        {
            throw new ValidationException($"role must be one of {string.Join(", ", ApiRoles.All)}.");
        }

        var created = await keys.CreateAsync(request.Name, request.Role, HttpAuditActor.Of(http), cancellationToken);
        return TypedResults.Created($"/api/keys/{created.Id}", created);
    }

    private static async Task<Ok<IReadOnlyList<ApiKey>>> ListAsync(ApiKeyStore keys, CancellationToken cancellationToken) =>
        TypedResults.Ok(await keys.ListAsync(cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, ApiKeyStore keys, HttpContext http, CancellationToken cancellationToken) =>
        await keys.RevokeAsync(HttpInput.Id(id, "key id"), HttpAuditActor.Of(http), cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem($"There is no live key {id}.", statusCode: 404, title: "Not found");
}
