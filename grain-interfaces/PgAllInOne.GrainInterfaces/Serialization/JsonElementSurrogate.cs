namespace PgAllInOne.GrainInterfaces.Serialization;

/// <summary>A <see cref="System.Text.Json.JsonElement"/> on the wire: its raw JSON text, exactly as it was (null for an undefined element).</summary>
[GenerateSerializer, Alias("pgaio.Json")]
public readonly record struct JsonElementSurrogate([property: Id(0)] string? Raw);
