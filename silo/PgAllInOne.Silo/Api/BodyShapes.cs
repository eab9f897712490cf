using System.Text.Json;

namespace PgAllInOne.Silo.Api;

/// <summary>Each request body in the product's words, for messages that say what a body must be.</summary>
internal static class BodyShapes
{
    public const string Event = "an event object {type, data?, timestamp?}";
    public const string Reading = "a reading object {metric, value, time?, tags?}";

    private static readonly Dictionary<Type, string> Shapes = new()
    {
        [typeof(CreateUserRequest)] = "a JSON object {username, email, profile?}",
        [typeof(NewEventRequest)] = Event,
        [typeof(MetricReadingRequest)] = Reading,
        [typeof(MetricReadingRequest[])] = "an array of 1 to 10000 reading objects {metric, value, time?, tags?}",
        [typeof(DocumentRequest)] = "a JSON object {title, content, metadata?, language?}",
        [typeof(RecordRequest)] = "a JSON object {data, type?, sessionId?, threadId?, metadata?, ttlSeconds?}",
        [typeof(RecordQueryRequest)] = "a JSON object {filter?, type?, sessionId?, threadId?, limit?, orderBy?}",
        [typeof(CreateKeyRequest)] = "a JSON object {name, role}",
        [typeof(JsonElement)] = "JSON",
    };

    /// <summary>The shape of a body of <paramref name="type"/> (or of one item of it when <paramref name="item"/>).</summary>
    public static string Of(Type? type, bool item = false)
    {
        if (item && type is { IsArray: true })
        {
            type = type.GetElementType();
        }

        return type is not null && Shapes.TryGetValue(type, out var shape) ? shape : "the body this endpoint documents in /openapi/v1.json";
    }
}
