using Microsoft.OpenApi;

namespace PgAllInOne.Silo.Api.OpenApi;

/// <summary>What one body field or query/path parameter accepts, as the OpenAPI document and API-REFERENCE.md state it.</summary>
internal sealed record FieldRule(
    string Description,
    JsonSchemaType? Type = null,
    string? Format = null,
    bool Required = false,
    int? MinLength = null,
    int? MaxLength = null,
    string? Pattern = null,
    long? Minimum = null,
    long? Maximum = null,
    IReadOnlyList<string>? Values = null,
    string? Default = null,
    string? Example = null);
