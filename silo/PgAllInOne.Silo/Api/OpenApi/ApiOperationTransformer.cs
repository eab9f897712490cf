using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.OpenApi;

/// <summary>
/// Per operation: who may call it (the security requirement, none for anonymous ones), the problems it can answer, and
/// what its endpoint's metadata states: the rules of its parameters (<see cref="ParameterRule"/>) and real schemas for
/// the bodies that are read as raw JSON (<see cref="RequestBodyDescription"/>).
/// </summary>
internal sealed class ApiOperationTransformer : IOpenApiOperationTransformer
{
    public const string ProblemSchema = "ProblemDetails";

    private static readonly Dictionary<int, string> ProblemTitles = new()
    {
        [400] = "Invalid input, malformed JSON, or a missing body; the detail names the field and what it accepts.",
        [401] = "No API key, or an unknown or revoked one.",
        [403] = "The key's role may not do this.",
        [404] = "There is no such item.",
        [409] = "A uniqueness conflict, or a concurrent change.",
        [412] = "If-Match names another version than the current one.",
        [413] = "The body is larger than the server accepts.",
        [415] = "The body is not sent as JSON (Content-Type: application/json).",
        [422] = "The Idempotency-Key was used before for another request (another body or target); nothing was written.",
        [429] = "The key sent more requests than its rate allows; see Retry-After.",
        [503] = "The cluster or PostgreSQL cannot serve this now; see Retry-After. Unavailable or Overloaded: nothing was written. Outcome unknown: a write may have been stored; retry with the same Idempotency-Key.",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
        var anonymous = metadata.OfType<IAllowAnonymous>().Any() || policies.Count == 0;
        var statuses = new SortedSet<int>();

        if (!anonymous)
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDocumentTransformer.BearerScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDocumentTransformer.ApiKeyScheme, context.Document)] = [] },
            ];
            statuses.UnionWith([401, 429]);
            if (policies.Any(p => p is ApiRoles.Writer or ApiRoles.Admin))
            {
                statuses.Add(403);
            }
        }

        if (operation.RequestBody is not null)
        {
            statuses.UnionWith([400, 413, 415]);
            if (operation.RequestBody is OpenApiRequestBody body && metadata.OfType<RequestBodyDescription>().LastOrDefault() is { } described)
            {
                body.Description = described.Description;
                described.Describe(body, context.Document);
            }
        }

        if (operation.Parameters is { Count: > 0 } parameters)
        {
            statuses.Add(400);
            Describe(metadata.OfType<ParameterRule>(), parameters);
        }

        statuses.Add(503);

        operation.Responses ??= [];
        foreach (var status in statuses.Where(s => !operation.Responses.ContainsKey(s.ToString(CultureInfo.InvariantCulture))))
        {
            operation.Responses[status.ToString(CultureInfo.InvariantCulture)] = Problem(status, context.Document);
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (int.Parse(status, CultureInfo.InvariantCulture) >= 400 && response is OpenApiResponse problem)
            {
                problem.Description = ProblemTitles.GetValueOrDefault(int.Parse(status, CultureInfo.InvariantCulture), problem.Description ?? "");
                problem.Content = ProblemContent(context.Document);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The problem answer of <paramref name="status"/>, as every operation documents it.</summary>
    public static OpenApiResponse Problem(int status, OpenApiDocument? document) =>
        new() { Description = ProblemTitles[status], Content = ProblemContent(document) };

    private static Dictionary<string, OpenApiMediaType> ProblemContent(OpenApiDocument? document) =>
        new(StringComparer.Ordinal) { ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, document) } };

    // The endpoint's own rule of a parameter wins over its group's (which comes first in the metadata).
    private static void Describe(IEnumerable<ParameterRule> rules, IList<IOpenApiParameter> parameters)
    {
        var byName = new Dictionary<string, FieldRule>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            byName[rule.Name] = rule.Rule;
        }

        foreach (var parameter in parameters.OfType<OpenApiParameter>())
        {
            if (parameter.Name is { } name && byName.GetValueOrDefault(name) is { } rule)
            {
                parameter.Description = rule.Description;
                parameter.Required = rule.Required || parameter.In == ParameterLocation.Path;
                parameter.Schema = ApiDocumentTransformer.Schema(rule);
            }
        }
    }
}
