using Microsoft.OpenApi;

namespace PgAllInOne.Silo.Api.OpenApi;

/// <summary>
/// What one body field or query/path parameter accepts, as the OpenAPI document and API-REFERENCE.md state it;
/// <see cref="Form"/> is how a message names what a body field accepts when its value is of another form.
/// </summary>
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
    string? Example = null,
    string? Form = null)
{
    /// <summary>The field's accepted form in the product's words: the one given, else the one its type and format say.</summary>
    public string AcceptedForm => Form ?? (Format == FieldRules.Time ? HttpInput.TimeForm : Type switch
    {
        JsonSchemaType.Number => "a finite number",
        JsonSchemaType.Integer => "a whole number",
        JsonSchemaType.Object => "a JSON object",
        _ => "a string",
    });
}
