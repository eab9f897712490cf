using System.Text.Json;
using Orleans.Serialization.Cloning;

namespace PgAllInOne.GrainInterfaces.Serialization;

/// <summary>
/// A parsed <see cref="JsonElement"/> is read-only, so a call inside a silo passes it on as it is instead of
/// writing and parsing it again.
/// </summary>
[RegisterCopier]
public sealed class JsonElementCopier : IDeepCopier<JsonElement>
{
    /// <inheritdoc />
    public JsonElement DeepCopy(JsonElement input, CopyContext context) => input;
}
