using System.Globalization;
using System.Text.Json;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Idempotency;
using PgAllInOne.GrainInterfaces.Search;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains.Idempotency;

/// <summary>
/// The idempotency key rows of the grains' writes: each request's fingerprint is its operation, its target and its
/// arguments as the caller sent them, so that a repeat matches and another request under the same key does not.
/// </summary>
internal static class IdempotentRequests
{
    public static IdempotencyRow? Events(IdempotencyKey? key, long userId, IReadOnlyList<NewEvent> events, DateTimeOffset now) =>
        key is null ? null : Row(key, now, events.Count.ToString(CultureInfo.InvariantCulture),
            ["events", userId.ToString(CultureInfo.InvariantCulture), .. events.SelectMany(e => new[] { e.Type, Raw(e.Data), Time(e.Timestamp) })]);

    public static IdempotencyRow? Readings(IdempotencyKey? key, string deviceId, IReadOnlyList<MetricReading> readings, DateTimeOffset now) =>
        key is null ? null : Row(key, now, readings.Count.ToString(CultureInfo.InvariantCulture),
            ["metrics", deviceId, .. readings.SelectMany(r => new[] { r.Metric, r.Value.ToString("R", CultureInfo.InvariantCulture), Time(r.Time), Raw(r.Tags) })]);

    public static IdempotencyRow? User(IdempotencyKey? key, NewUser user, DateTimeOffset now) =>
        key is null ? null : Row(key, now, "", ["users", user.Username, user.Email, Raw(user.Profile)]);

    public static IdempotencyRow? Document(IdempotencyKey? key, NewDocument document, DateTimeOffset now) =>
        key is null ? null : Row(key, now, "", ["documents", document.Title, document.Content, Raw(document.Metadata), document.Language]);

    /// <summary>A count stored as a key's result, read back.</summary>
    public static int Count(string result) => int.Parse(result, CultureInfo.InvariantCulture);

    private static IdempotencyRow Row(IdempotencyKey key, DateTimeOffset now, string result, IEnumerable<string?> request)
    {
        IdempotencyRules.Check(key);
        return new IdempotencyRow(key.Scope, key.Key, IdempotencyKeys.Fingerprint(request), result, now);
    }

    private static string? Raw(JsonElement? value) => value is { ValueKind: not JsonValueKind.Undefined } json ? json.GetRawText() : null;

    private static string? Time(DateTimeOffset? time) => time?.ToString("O", CultureInfo.InvariantCulture);
}
