using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace PgAllInOne.Silo.Api.OpenApi;

/// <summary>Request or response content of the OpenAPI document.</summary>
internal static class OpenApiContent
{
    /// <summary>The same schema and example under each of <paramref name="types"/>.</summary>
    public static Dictionary<string, OpenApiMediaType> Json(OpenApiSchema schema, string example, params string[] types) =>
        types.ToDictionary(t => t, _ => new OpenApiMediaType { Schema = schema, Example = JsonNode.Parse(example) }, StringComparer.Ordinal);
}
