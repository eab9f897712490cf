using System.Text.Json;

namespace PgAllInOne.Silo.Api.OpenApi;

/// <summary>
/// Endpoint metadata: the request body an endpoint reads — the .NET type it binds, the schema the document names it by,
/// the rules of its fields, an example, and its shape in the product's words for messages that say what a body must be
/// (<see cref="ItemShape"/>: of one item, when the body is an array).
/// </summary>
internal sealed record BodyContract(Type BodyType, string SchemaName, string Shape, IReadOnlyDictionary<string, FieldRule> Fields, string Example, string? ItemShape = null)
{
    /// <summary>What any body bound as raw JSON is.</summary>
    public static readonly BodyContract AnyJson = new(typeof(JsonElement), "", "JSON", new Dictionary<string, FieldRule>(), "");

    /// <summary>What a body is said to be where the endpoint states no contract for the type it binds.</summary>
    public static readonly BodyContract Undocumented = new(typeof(object), "", "the body this endpoint documents in /openapi/v1.json", new Dictionary<string, FieldRule>(), "");

    /// <summary>What <paramref name="field"/> of this body accepts, in the product's words.</summary>
    public string FormOf(string field) => Fields.GetValueOrDefault(field)?.AcceptedForm ?? "a string";

    /// <summary>The contract an endpoint states for the type it binds its body to, else <see cref="AnyJson"/> or <see cref="Undocumented"/>.</summary>
    public static BodyContract Of(Endpoint? endpoint)
    {
        var type = endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType;
        return endpoint?.Metadata.GetOrderedMetadata<BodyContract>().FirstOrDefault(c => c.BodyType == type)
            ?? (type == typeof(JsonElement) ? AnyJson : Undocumented);
    }
}
