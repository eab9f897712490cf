using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.OpenApi;

/// <summary>
/// Per operation: who may call it (the security requirement, none for anonymous ones), the problems it can answer, the
/// rules of its parameters, and real schemas for the bodies that are read as raw JSON.
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
        [429] = "The key sent more requests than its rate allows; see Retry-After.",
        [503] = "The cluster or PostgreSQL cannot serve this now; see Retry-After.",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var key = $"{description.HttpMethod} /{description.RelativePath?.TrimEnd('/')}";
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
            DescribeRawBody(key, operation.RequestBody, context.Document);
        }

        if (operation.Parameters is { Count: > 0 } parameters)
        {
            statuses.Add(400);
            Describe(key, parameters);
        }

        if (key != "GET /healthz")
        {
            statuses.Add(503);
        }

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

    private static OpenApiResponse Problem(int status, OpenApiDocument? document) =>
        new() { Description = ProblemTitles[status], Content = ProblemContent(document) };

    private static Dictionary<string, OpenApiMediaType> ProblemContent(OpenApiDocument? document) =>
        new(StringComparer.Ordinal) { ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, document) } };

    private static void Describe(string key, IList<IOpenApiParameter> parameters)
    {
        var rules = ApiContract.Parameters.GetValueOrDefault(key);
        foreach (var parameter in parameters.OfType<OpenApiParameter>())
        {
            if (parameter.Name is { } name && rules?.GetValueOrDefault(name) is { } rule)
            {
                parameter.Description = rule.Description;
                parameter.Required = rule.Required || parameter.In == ParameterLocation.Path;
                parameter.Schema = ApiDocumentTransformer.Schema(rule);
            }
        }
    }

    // The bodies bound as JsonElement: an event or an array of them, and a profile's merge patch.
    private static void DescribeRawBody(string key, IOpenApiRequestBody body, OpenApiDocument? document)
    {
        if (body is not OpenApiRequestBody request)
        {
            return;
        }

        switch (key)
        {
            case "POST /api/users/{id}/events":
                var one = new OpenApiSchemaReference("NewEventRequest", document);
                request.Description = "One event, or an array of 1 to 1000 of them; all are stored or none.";
                request.Content = Json(new OpenApiSchema { OneOf = [one, new OpenApiSchema { Type = JsonSchemaType.Array, Items = one, MinItems = 1, MaxItems = 1000 }] }, """[{"type":"click"},{"type":"view","data":{"page":"/"},"timestamp":"2026-10-01T12:00:00Z"}]""", "application/json");
                break;
            case "PATCH /api/users/{id}/profile":
                request.Description = "A JSON merge patch (RFC 7396) of the profile: null removes a field. The profile stays at most 64 KiB.";
                var patch = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "A JSON merge patch (RFC 7396)." };
                request.Content = Json(patch, """{"city":null,"lang":"nb"}""", "application/merge-patch+json", "application/json");
                break;
            case "POST /api/devices/{id}/metrics":
                request.Description = "1 to 10000 readings; all are stored or none.";
                foreach (var array in request.Content?.Values.Select(c => c.Schema).OfType<OpenApiSchema>() ?? [])
                {
                    (array.MinItems, array.MaxItems) = (1, 10_000);
                }

                break;
        }
    }

    private static Dictionary<string, OpenApiMediaType> Json(OpenApiSchema schema, string example, params string[] types) =>
        types.ToDictionary(t => t, _ => new OpenApiMediaType { Schema = schema, Example = JsonNode.Parse(example) }, StringComparer.Ordinal);
}
