using Microsoft.OpenApi;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.GrainInterfaces.Devices;
using PgAllInOne.GrainInterfaces.Search;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.OpenApi;

/// <summary>
/// The contract's rules that the types alone do not say — field limits, accepted values, defaults, examples — from the
/// constants the validators use where there are some. The OpenAPI document is written from these, and a test holds
/// API-REFERENCE.md to the document.
/// </summary>
internal static class ApiContract
{
    private const string Time = "date-time";
    private const JsonSchemaType Text = JsonSchemaType.String;
    private const JsonSchemaType Whole = JsonSchemaType.Integer;
    private const string KeyText = "1-200 characters, not all blank, without control characters";
    private const string Duration = "a duration: a whole number and s, m, h or d (30s, 5m, 1h, 1d), or hh:mm:ss";

    public static readonly IReadOnlyList<string> Roles = ApiRoles.All;

    /// <summary>Rules of request body fields, by schema name and then field.</summary>
    public static readonly Dictionary<string, Dictionary<string, FieldRule>> Bodies = new(StringComparer.Ordinal)
    {
        ["CreateUserRequest"] = new(StringComparer.Ordinal)
        {
            ["username"] = new("Unique, case-insensitively.", Text, Required: true, MinLength: 3, MaxLength: 50, Pattern: "^[A-Za-z0-9_.-]+$", Example: "\"alice\""),
            ["email"] = new("Unique, case-insensitively; a well-formed address.", Text, Format: "email", Required: true, MaxLength: 100, Example: "\"alice@example.com\""),
            ["profile"] = new("A JSON object of at most 64 KiB.", JsonSchemaType.Object, Example: """{"city":"Oslo"}"""),
        },
        ["NewEventRequest"] = new(StringComparer.Ordinal)
        {
            ["type"] = new("What happened.", Text, Required: true, MinLength: 1, MaxLength: 100, Example: "\"click\""),
            ["data"] = new("Any JSON value, kept as sent.", Example: """{"page":"/"}"""),
            ["timestamp"] = new("When it happened; absent: when it is stored.", Text, Time, Example: "\"2026-10-01T12:00:00Z\""),
        },
        ["MetricReadingRequest"] = new(StringComparer.Ordinal)
        {
            ["metric"] = new("The metric's name.", Text, Required: true, MinLength: 1, MaxLength: MetricRules.MaxNameLength, Example: "\"temp\""),
            ["value"] = new("A finite number.", JsonSchemaType.Number, Format: "double", Required: true, Example: "20.5"),
            ["time"] = new("When it was read; absent: when it is stored.", Text, Time, Example: "\"2026-10-01T12:00:00Z\""),
            ["tags"] = new("A JSON object.", JsonSchemaType.Object, Example: """{"room":"a"}"""),
        },
        ["DocumentRequest"] = new(StringComparer.Ordinal)
        {
            ["title"] = new("Indexed with the content, weighted higher.", Text, Required: true, MinLength: 1, MaxLength: 500, Example: "\"Harbour\""),
            ["content"] = new("The text that is searched.", Text, Required: true, MaxLength: 1_000_000, Example: "\"Ships were sailing into the harbour\""),
            ["metadata"] = new("A JSON object.", JsonSchemaType.Object, Example: """{"source":"log"}"""),
            ["language"] = new($"What the text is: {DocumentLanguages.Description}, stored as english, chinese or simple; absent: the Content-Language header's. A search may filter by it. Every document is indexed alike (English stemming beside Chinese character pairs).", Text, Pattern: DocumentLanguages.Pattern, Example: "\"en-US\""),
        },
        ["RecordRequest"] = new(StringComparer.Ordinal)
        {
            ["data"] = new("Any JSON value of at most 1 MiB; what filters match.", Required: true, Example: """{"score":5,"tag":"x"}"""),
            ["type"] = new("A label to query by.", Text, MinLength: 1, MaxLength: 200, Example: "\"note\""),
            ["sessionId"] = new("A label to query by.", Text, MinLength: 1, MaxLength: 200, Example: "\"s1\""),
            ["threadId"] = new("A label to query by.", Text, MinLength: 1, MaxLength: 200, Example: "\"t1\""),
            ["metadata"] = new("A JSON object.", JsonSchemaType.Object, Example: """{"by":"cli"}"""),
            ["ttlSeconds"] = new("Seconds until it expires; absent: never.", Whole, Format: "int32", Minimum: 1, Maximum: 315_360_000, Example: "3600"),
        },
        ["RecordQueryRequest"] = new(StringComparer.Ordinal)
        {
            ["filter"] = new("Maps a field of data to a value, or to {\"$gt\"|\"$gte\"|\"$lt\"|\"$lte\"|\"$ne\": v}, {\"$in\": [..]}, {\"$like\": \"pattern\"}.", JsonSchemaType.Object, Example: """{"score":{"$gte":5},"tag":{"$in":["x","y"]}}"""),
            ["type"] = new("Only records of this type.", Text, MinLength: 1, MaxLength: 200, Example: "\"note\""),
            ["sessionId"] = new("Only records of this session.", Text, MinLength: 1, MaxLength: 200),
            ["threadId"] = new("Only records of this thread.", Text, MinLength: 1, MaxLength: 200),
            ["limit"] = new("At most this many.", Whole, Format: "int32", Minimum: 1, Maximum: 1000, Default: "100", Example: "10"),
            ["orderBy"] = new("The order; a leading '-' is descending.", Text, Values: ["-createdAt", "createdAt", "-updatedAt", "updatedAt"], Default: "\"-createdAt\""),
        },
        ["CreateKeyRequest"] = new(StringComparer.Ordinal)
        {
            ["name"] = new("What the key is for.", Text, Required: true, MinLength: 1, MaxLength: 100, Example: "\"ingest\""),
            ["role"] = new("admin: everything; writer: reads and writes; reader: GET only.", Text, Required: true, Values: ApiRoles.All, Example: "\"writer\""),
        },
    };

    /// <summary>Rules of query and path parameters, by operation ("GET /api/search") and then parameter.</summary>
    public static readonly Dictionary<string, Dictionary<string, FieldRule>> Parameters = new(StringComparer.Ordinal)
    {
        ["GET /api/users/{id}"] = new(StringComparer.Ordinal) { ["id"] = UserId() },
        ["PATCH /api/users/{id}/profile"] = new(StringComparer.Ordinal) { ["id"] = UserId() },
        ["POST /api/users/{id}/events"] = new(StringComparer.Ordinal) { ["id"] = UserId() },
        ["GET /api/users/{id}/events"] = new(StringComparer.Ordinal)
        {
            ["id"] = UserId(),
            ["from"] = new("Events at or after this time; absent: from the first.", Text, Time),
            ["to"] = new("Events before this time; absent: up to now.", Text, Time),
            ["type"] = new("Only events of this type.", Text, MinLength: 1, MaxLength: 100),
            ["limit"] = new("At most this many, newest first.", Whole, "int32", Minimum: 1, Maximum: 1000, Default: "100"),
        },
        ["POST /api/devices/{id}/metrics"] = new(StringComparer.Ordinal) { ["id"] = DeviceId() },
        ["GET /api/devices/{id}/latest"] = new(StringComparer.Ordinal) { ["id"] = DeviceId() },
        ["GET /api/devices/{id}/metrics"] = new(StringComparer.Ordinal)
        {
            ["id"] = DeviceId(),
            ["metric"] = new("The metric's name.", Text, Required: true, MinLength: 1, MaxLength: MetricRules.MaxNameLength),
            ["from"] = new("Readings at or after this time; absent: one day before to.", Text, Time),
            ["to"] = new("Readings before this time; absent: now.", Text, Time),
            ["bucket"] = new($"The bucket width, {Duration}; at least 1s and at most 100000 buckets over the range.", Text, Default: "\"1m\""),
            ["agg"] = new("The aggregate of each bucket; last is the newest reading (of equal times, the largest).", Text, Values: MetricRules.Aggregates, Default: "\"avg\""),
        },
        ["GET /api/documents/{id}"] = new(StringComparer.Ordinal) { ["id"] = DocumentId() },
        ["PUT /api/documents/{id}"] = new(StringComparer.Ordinal) { ["id"] = DocumentId() },
        ["DELETE /api/documents/{id}"] = new(StringComparer.Ordinal) { ["id"] = DocumentId() },
        ["GET /api/search"] = new(StringComparer.Ordinal)
        {
            ["q"] = new("Web-search syntax: quotes for phrases, or, - to exclude; Chinese text matches Chinese text.", Text, Required: true, MinLength: 1, MaxLength: 500),
            ["limit"] = new("At most this many hits.", Whole, "int32", Minimum: 1, Maximum: 1000, Default: "20"),
            ["offset"] = new("Hits to skip.", Whole, "int32", Minimum: 0, Maximum: 100_000, Default: "0"),
            ["language"] = new($"Only documents of this language: {DocumentLanguages.Description}.", Text, Pattern: DocumentLanguages.Pattern),
        },
        ["GET /api/analytics/events"] = new(StringComparer.Ordinal)
        {
            ["groupBy"] = new("What the rows are keyed by.", Text, Values: ["type", "day", "user"], Default: "\"type\""),
            ["from"] = new($"Events at or after this time; absent: {AnalyticsWindowDays} days before to.", Text, Time),
            ["to"] = new("Events before this time; absent: the next whole minute.", Text, Time),
            ["type"] = new("Only events of this type.", Text, MinLength: 1, MaxLength: 100),
            ["top"] = new("Only the groups with the most events; absent: all.", Whole, "int32", Minimum: 1, Maximum: AnalyticsQuery.MaxTop),
        },
        ["GET /api/analytics/metrics"] = new(StringComparer.Ordinal)
        {
            ["metric"] = new("The metric's name.", Text, Required: true, MinLength: 1, MaxLength: MetricRules.MaxNameLength),
            ["from"] = new($"Readings at or after this time; absent: {AnalyticsWindowDays} days before to.", Text, Time),
            ["to"] = new("Readings before this time; absent: the next whole minute.", Text, Time),
            ["bucket"] = new($"The bucket width, {Duration}; at most 366 days and {AnalyticsQuery.MaxBuckets} buckets over the range.", Text, Default: "\"1h\""),
            ["agg"] = new("The aggregate of each bucket; last is the newest reading (of equal times, the largest).", Text, Values: MetricRules.Aggregates, Default: "\"avg\""),
            ["groupBy"] = new("device: a series per device; none: one series.", Text, Values: ["device", "none"], Default: "\"none\""),
        },
        ["PUT /api/records/{id}"] = new(StringComparer.Ordinal) { ["id"] = RecordId() },
        ["GET /api/records/{id}"] = new(StringComparer.Ordinal) { ["id"] = RecordId() },
        ["DELETE /api/records/{id}"] = new(StringComparer.Ordinal) { ["id"] = RecordId() },
        ["DELETE /api/keys/{id}"] = new(StringComparer.Ordinal) { ["id"] = new("The key's id.", Whole, "int64", Required: true, Minimum: 1) },
    };

    /// <summary>Without from, analytics look back this many days from to.</summary>
    public const int AnalyticsWindowDays = 30;

    /// <summary>An example of each schema that a body has, by schema name.</summary>
    public static readonly Dictionary<string, string> Examples = new(StringComparer.Ordinal)
    {
        ["CreateUserRequest"] = """{"username":"alice","email":"alice@example.com","profile":{"city":"Oslo"}}""",
        ["NewEventRequest"] = """{"type":"click","data":{"page":"/"},"timestamp":"2026-10-01T12:00:00Z"}""",
        ["MetricReadingRequest"] = """{"metric":"temp","value":20.5,"time":"2026-10-01T12:00:00Z","tags":{"room":"a"}}""",
        ["DocumentRequest"] = """{"title":"Harbour","content":"Ships were sailing into the harbour","metadata":{"source":"log"},"language":"english"}""",
        ["RecordRequest"] = """{"data":{"score":5,"tag":"x"},"type":"note","sessionId":"s1","ttlSeconds":3600}""",
        ["RecordQueryRequest"] = """{"filter":{"score":{"$gte":5}},"type":"note","limit":10,"orderBy":"-createdAt"}""",
        ["CreateKeyRequest"] = """{"name":"ingest","role":"writer"}""",
        ["UserView"] = """{"id":1,"username":"alice","email":"alice@example.com","profile":{"city":"Oslo"},"eventCount":4,"version":2,"createdAt":"2026-10-01T12:00:00+00:00","updatedAt":"2026-10-01T12:05:00+00:00"}""",
        ["UserEvent"] = """{"id":7,"type":"click","data":{"page":"/"},"timestamp":"2026-10-01T12:00:00+00:00"}""",
        ["AcceptedCount"] = """{"accepted":3}""",
        ["LatestValue"] = """{"metric":"temp","value":21.5,"time":"2026-10-01T12:00:50+00:00"}""",
        ["MetricBucket"] = """{"start":"2026-10-01T12:00:00+00:00","value":21,"count":2}""",
        ["CreatedId"] = """{"id":42}""",
        ["DocumentView"] = """{"id":42,"title":"Harbour","content":"Ships were sailing into the harbour","metadata":{"source":"log"},"language":"english","createdAt":"2026-10-01T12:00:00+00:00","updatedAt":"2026-10-01T12:00:00+00:00"}""",
        ["SearchHit"] = """{"id":42,"title":"Harbour","snippet":"Ships were <mark>sailing</mark> into the harbour","rank":0.1}""",
        ["SearchResult"] = """{"hits":[{"id":42,"title":"Harbour","snippet":"Ships were <mark>sailing</mark> into the harbour","rank":0.1}],"tookMs":1.8}""",
        ["EventGroupRow"] = """{"key":"click","count":2,"firstAt":"2026-10-01T00:00:00+00:00","lastAt":"2026-10-02T00:00:00+00:00"}""",
        ["EventAnalyticsResponse"] = """{"rows":[{"key":"click","count":2,"firstAt":"2026-10-01T00:00:00+00:00","lastAt":"2026-10-02T00:00:00+00:00"}],"computedAt":"2026-10-03T00:00:00+00:00"}""",
        ["MetricSeriesRow"] = """{"bucket":"2026-10-01T00:00:00+00:00","device":"d9","value":3,"count":2}""",
        ["MetricAnalyticsResponse"] = """{"rows":[{"bucket":"2026-10-01T00:00:00+00:00","device":"d9","value":3,"count":2}],"computedAt":"2026-10-03T00:00:00+00:00"}""",
        ["CacheInvalidated"] = """{"invalidated":true}""",
        ["RecordWritten"] = """{"id":"r1","version":1,"createdAt":"2026-10-01T12:00:00+00:00","updatedAt":"2026-10-01T12:00:00+00:00","expiresAt":null}""",
        ["StoredRecord"] = """{"id":"r1","data":{"score":5,"tag":"x"},"type":"note","sessionId":"s1","threadId":null,"metadata":{},"version":1,"createdAt":"2026-10-01T12:00:00+00:00","updatedAt":"2026-10-01T12:00:00+00:00","expiresAt":null}""",
        ["ApiKey"] = """{"id":2,"name":"ingest","role":"writer","createdAt":"2026-10-01T12:00:00+00:00"}""",
        ["CreatedApiKey"] = """{"id":2,"name":"ingest","role":"writer","key":"pgaio_3q2…"}""",
        ["SiloStats"] = """{"activations":{"user":12},"cpuPercent":3.5,"memoryBytes":104857600}""",
        ["SiloInfo"] = """{"id":"silo-1","endpoint":"127.0.0.1:11111","status":"active","startedAt":"2026-10-01T12:00:00+00:00","lastHeartbeat":"2026-10-01T12:05:00+00:00","activations":12,"stats":{"activations":{"user":12},"cpuPercent":3.5,"memoryBytes":104857600}}""",
        ["ClusterInfo"] = """{"clusterId":"default","silos":[{"id":"silo-1","endpoint":"127.0.0.1:11111","status":"active","startedAt":"2026-10-01T12:00:00+00:00","lastHeartbeat":"2026-10-01T12:05:00+00:00","activations":12,"stats":null}],"activations":{"user":12}}""",
        ["DatabaseInfo"] = """{"connections":[{"state":"active","connections":1},{"state":"idle","connections":3}],"slowStatements":null,"partitions":[{"table":"events","partition":"events_p2026_10","bytes":32768,"rows":120}],"cache":{"hits":10,"misses":2,"hitRatio":0.83}}""",
        ["HealthReport"] = """{"status":"ready"}""",
        ["ProblemDetails"] = """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"Invalid input","status":400,"detail":"$.timestamp must be an RFC 3339 date and time such as 2026-01-31T12:00:00Z.","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}""",
    };

    private static FieldRule UserId() => new("The user's id.", Whole, "int64", Required: true, Minimum: 1);

    private static FieldRule DocumentId() => new("The document's id.", Whole, "int64", Required: true, Minimum: 1);

    private static FieldRule DeviceId() => new($"The device's id: {KeyText}.", Text, Required: true, MinLength: 1, MaxLength: 200);

    private static FieldRule RecordId() => new($"The record's id: {KeyText}.", Text, Required: true, MinLength: 1, MaxLength: 200);
}
