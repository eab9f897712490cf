using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PgAllInOne.Silo.Api.OpenApi;

namespace PgAllInOne.Silo.Health;

/// <summary>
/// The probes in the OpenAPI document: health check endpoints have no handler method that the generator could describe,
/// so their operations, under the tags and schema name the document has always given them, are written here.
/// </summary>
internal sealed class HealthDocumentTransformer : IOpenApiDocumentTransformer
{
    private const string Schema = "HealthReport";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        var schemas = document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        schemas[Schema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal) { ["status"] = new OpenApiSchema { Type = JsonSchemaType.String } },
            Required = new HashSet<string>(["status"], StringComparer.Ordinal),
            Examples = [JsonNode.Parse("""{"status":"ready"}""")!],
        };

        document.Paths ??= [];
        document.Paths[HealthCheckEndpoints.LivenessPath] = Get("PgAllInOne.Silo", document, new OpenApiResponses
        {
            ["200"] = new OpenApiResponse
            {
                Description = "OK",
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["application/json"] = new() { Schema = new OpenApiSchemaReference(Schema, document) } },
            },
        });
        document.Paths[HealthCheckEndpoints.ReadinessPath] = Get("HealthEndpoints", document, new OpenApiResponses
        {
            ["200"] = new OpenApiResponse { Description = "OK" },
            ["503"] = ApiOperationTransformer.Problem(StatusCodes.Status503ServiceUnavailable, document),
        });
        return Task.CompletedTask;
    }

    private static OpenApiPathItem Get(string tag, OpenApiDocument document, OpenApiResponses responses)
    {
        document.Tags ??= new HashSet<OpenApiTag>();
        if (!document.Tags.Any(t => t.Name == tag))
        {
            document.Tags.Add(new OpenApiTag { Name = tag });
        }

        var operation = new OpenApiOperation { Tags = new HashSet<OpenApiTagReference> { new(tag, document) }, Responses = responses };
        return new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Get] = operation } };
    }
}
