using Microsoft.AspNetCore.Http.HttpResults;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.Keys;

public static class KeysApi
{
    public static RouteGroupBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").WithTags("Keys").RequireAuthorization(ApiRoles.Admin);
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapDelete("/{id}", RevokeAsync).ProducesProblem(404);
        return group;
    }

    private static async Task<Created<CreatedApiKey>> CreateAsync(CreateKeyRequest request, ApiKeyStore keys, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100 || request.Name.Any(char.IsControl))
        {
            throw new ValidationException("name must be 1-100 characters without control characters.");
        }

        TextRules.Check(request.Name, "name");

        if (request.Role is null || !ApiRoles.All.Contains(request.Role))
        {
            throw new ValidationException($"role must be one of {string.Join(", ", ApiRoles.All)}.");
        }

        var created = await keys.CreateAsync(request.Name, request.Role, cancellationToken);
        return TypedResults.Created($"/api/keys/{created.Id}", created);
    }

    private static async Task<Ok<IReadOnlyList<ApiKey>>> ListAsync(ApiKeyStore keys, CancellationToken cancellationToken) =>
        TypedResults.Ok(await keys.ListAsync(cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, ApiKeyStore keys, CancellationToken cancellationToken) =>
        await keys.RevokeAsync(HttpInput.Id(id, "key id"), cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem($"There is no live key {id}.", statusCode: 404, title: "Not found");
}
