using System.Text.Json;
using System.Text.Json.Nodes;

namespace PgAllInOne.Grains.Json;

/// <summary>RFC 7396 JSON merge patch: objects merge key by key, null removes a key, anything else replaces.</summary>
public static class JsonMergePatch
{
    public static JsonElement Apply(JsonElement target, JsonElement patch)
    {
        var merged = Merge(JsonNode.Parse(target.GetRawText()), JsonNode.Parse(patch.GetRawText()));
        return JsonSerializer.SerializeToElement(merged);
    }

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var existing = result[key];
                result.Remove(key);
                result[key] = Merge(existing, value);
            }
        }

        return result;
    }
}
