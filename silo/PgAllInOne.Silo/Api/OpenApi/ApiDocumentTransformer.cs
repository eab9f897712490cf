using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PgAllInOne.Silo.Api.OpenApi;

/// <summary>
/// The whole document: the two ways to present a key (as the auth handler accepts them), request schemas with their
/// rules and required fields, raw-JSON fields as what they are (objects or any JSON) instead of JsonElement, an example
/// of every body, and only the HTTP contract (the dashboard's own feeds are its business).
/// </summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "bearer";
    public const string ApiKeyScheme = "apiKey";

    private const string RawJson = "JsonElement";

    private static readonly SchemaExample ProblemExample = new(
        ApiOperationTransformer.ProblemSchema,
        $$"""{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"Invalid input","status":400,"detail":"$.timestamp must be {{HttpInput.TimeForm}}.","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}""");

    // Fields of response bodies that hold raw JSON: objects, except data, which is any JSON value.
    private static readonly HashSet<string> ObjectFields = new(StringComparer.Ordinal) { "profile", "metadata", "tags", "filter" };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "PgAllInOne HTTP API";
        document.Info.Description = "JSON in and out (camelCase), RFC 3339 times, errors as RFC 7807 application/problem+json whose detail says what was wrong. Field limits, aggregates and defaults: silo/PgAllInOne.Silo/Api/API-REFERENCE.md.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
        {
            [BearerScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "Authorization: Bearer <key>. Roles: admin (everything, key management), writer (reads and writes), reader (GET only)." },
            [ApiKeyScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key", Description = "X-Api-Key: <key>, instead of the Authorization header." },
        };

        var metadata = context.DescriptionGroups.SelectMany(g => g.Items).SelectMany(d => d.ActionDescriptor.EndpointMetadata).ToList();
        var bodies = new Dictionary<string, BodyContract>(StringComparer.Ordinal);
        foreach (var body in metadata.OfType<BodyContract>())
        {
            bodies[body.SchemaName] = body;
        }

        var schemas = document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        schemas.Remove(RawJson);

        // Bodies read as raw JSON (an event) have no generated schema: theirs is written from their rules.
        foreach (var name in bodies.Keys.Where(n => !schemas.ContainsKey(n)))
        {
            schemas[name] = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal) };
        }

        foreach (var (name, schema) in schemas.Select(p => (p.Key, p.Value as OpenApiSchema)))
        {
            if (schema?.Properties is not { } properties)
            {
                continue;
            }

            foreach (var field in properties.Keys.ToList())
            {
                if (IsRawJson(properties[field]))
                {
                    properties[field] = ObjectFields.Contains(field)
                        ? new OpenApiSchema { Type = JsonSchemaType.Object | (IsNullable(properties[field]) ? JsonSchemaType.Null : 0) }
                        : new OpenApiSchema { Description = "Any JSON value." };
                }
            }

            if (bodies.GetValueOrDefault(name)?.Fields is { } rules)
            {
                foreach (var (field, rule) in rules)
                {
                    properties[field] = Schema(rule);
                }

                schema.Required = new HashSet<string>(rules.Where(r => r.Value.Required).Select(r => r.Key), StringComparer.Ordinal);
            }
        }

        schemas[ApiOperationTransformer.ProblemSchema] = ProblemDetails();
        AddMetricsEndpoint(document);
        foreach (var example in metadata.OfType<SchemaExample>().Append(ProblemExample))
        {
            if (schemas.TryGetValue(example.SchemaName, out var found) && found is OpenApiSchema schema)
            {
                schema.Examples = [JsonNode.Parse(example.Json)!];
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The schema a rule describes.</summary>
    public static OpenApiSchema Schema(FieldRule rule) => new()
    {
        Description = rule.Description,
        Type = rule.Type,
        Format = rule.Format,
        MinLength = rule.MinLength,
        MaxLength = rule.MaxLength,
        Pattern = rule.Pattern,
        Minimum = rule.Minimum?.ToString(CultureInfo.InvariantCulture),
        Maximum = rule.Maximum?.ToString(CultureInfo.InvariantCulture),
        Enum = rule.Values?.Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
        Default = rule.Default is null ? null : JsonNode.Parse(rule.Default),
        Examples = rule.Example is null ? null : [JsonNode.Parse(rule.Example)!],
    };

    // /metrics is OpenTelemetry's Prometheus exporter, an endpoint without a handler method that the generator could describe.
    private static void AddMetricsEndpoint(OpenApiDocument document)
    {
        document.Paths ??= [];
        if (document.Paths.ContainsKey("/metrics"))
        {
            return;
        }

        var problem = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ApiOperationTransformer.ProblemSchema, document) };
        OpenApiResponse Problem(string description) => new() { Description = description, Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["application/problem+json"] = problem } };
        var operation = new OpenApiOperation
        {
            Summary = "The runtime and HTTP meters in Prometheus' text exposition format.",
            Tags = new HashSet<OpenApiTagReference> { new("Cluster", document) },
            Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
            ],
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse
                {
                    Description = "OK",
                    Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                    {
                        ["text/plain"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Example = JsonValue.Create("# TYPE orleans_grain_count gauge\norleans_grain_count 12\n") },
                    },
                },
                ["401"] = Problem("No API key, or an unknown or revoked one."),
                ["429"] = Problem("The key sent more requests than its rate allows; see Retry-After."),
            },
        };
        document.Paths["/metrics"] = new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Get] = operation } };
    }

    private static OpenApiSchema ProblemDetails() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 7807 problem details: title names the kind of problem, detail what was wrong and what is accepted.",
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Invalid input, Malformed JSON, Missing body, Unauthorized, Forbidden, Not found, Method not allowed, Conflict, Version mismatch, Body too large, Unsupported content type, Invalid text, Too many requests, Overloaded, Unavailable." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
        },
        Required = new HashSet<string>(["title", "status", "detail"], StringComparer.Ordinal),
    };

    private static bool IsRawJson(IOpenApiSchema schema) =>
        schema is OpenApiSchemaReference { Reference.Id: RawJson } || schema.OneOf?.Any(IsRawJson) == true || schema.AnyOf?.Any(IsRawJson) == true;

    private static bool IsNullable(IOpenApiSchema schema) => schema.OneOf?.Any(s => s.Type == JsonSchemaType.Null) == true;
}
