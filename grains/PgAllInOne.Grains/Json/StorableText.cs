using System.Text.Json;

namespace PgAllInOne.Grains.Json;

/// <summary>
/// PostgreSQL text and jsonb cannot hold NUL characters. Group-committed writes check for them up front: a value the
/// database refuses would otherwise fail the whole shared commit, other callers' rows with it.
/// </summary>
internal static class StorableText
{
    public static bool IsStorable(string? text) => text is null || !text.Contains('\0', StringComparison.Ordinal);

    public static bool IsStorable(JsonElement? json) => json is not { } element || !element.GetRawText().Contains("\\u0000", StringComparison.OrdinalIgnoreCase);
}
