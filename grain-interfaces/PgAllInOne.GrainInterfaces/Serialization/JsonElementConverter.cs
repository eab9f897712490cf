using System.Text.Json;
using Orleans.Serialization;

namespace PgAllInOne.GrainInterfaces.Serialization;

/// <summary>Carries JSON values across grain calls as their raw text, so a value arrives byte for byte as it was sent.</summary>
[RegisterConverter]
public sealed class JsonElementConverter : IConverter<JsonElement, JsonElementSurrogate>
{
    /// <inheritdoc />
    public JsonElement ConvertFromSurrogate(in JsonElementSurrogate surrogate) =>
        surrogate.Raw is null ? default : JsonElement.Parse(surrogate.Raw);

    /// <inheritdoc />
    public JsonElementSurrogate ConvertToSurrogate(in JsonElement value) =>
        new(value.ValueKind == JsonValueKind.Undefined ? null : value.GetRawText());
}
