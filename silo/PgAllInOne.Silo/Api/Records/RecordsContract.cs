using Microsoft.OpenApi;
using PgAllInOne.Api.Contracts.Records;
using PgAllInOne.GrainInterfaces.Records;
using PgAllInOne.Silo.Api.OpenApi;
using StoredRecord = PgAllInOne.Api.Contracts.Records.StoredRecord;

namespace PgAllInOne.Silo.Api.Records;

/// <summary>What the records' endpoints accept and answer, as the OpenAPI document and the problem details state it.</summary>
internal static class RecordsContract
{
    public static readonly FieldRule Id = FieldRules.Key("The record's id", RecordRules.MaxIdLength);

    public static readonly BodyContract Record = new(typeof(RecordRequest), nameof(RecordRequest), "a JSON object {data, type?, sessionId?, threadId?, metadata?, ttlSeconds?}", new Dictionary<string, FieldRule>(StringComparer.Ordinal)
    {
        ["data"] = new($"Any JSON value of at most {RecordRules.MaxDataBytes / (1024 * 1024)} MiB; what filters match.", Required: true, Example: """{"score":5,"tag":"x"}"""),
        ["type"] = FieldRules.Text("A label to query by.", RecordRules.MaxLabelLength, example: "\"note\""),
        ["sessionId"] = FieldRules.Text("A label to query by.", RecordRules.MaxLabelLength, example: "\"s1\""),
        ["threadId"] = FieldRules.Text("A label to query by.", RecordRules.MaxLabelLength, example: "\"t1\""),
        ["metadata"] = FieldRules.Object("A JSON object.", """{"by":"cli"}"""),
        ["ttlSeconds"] = FieldRules.Whole("Seconds until it expires; absent: never.", 1, RecordRules.MaxTtlSeconds, example: "3600") with { Form = "a whole number of seconds" },
    }, """{"data":{"score":5,"tag":"x"},"type":"note","sessionId":"s1","ttlSeconds":3600}""");

    public static readonly BodyContract Query = new(typeof(RecordQueryRequest), nameof(RecordQueryRequest), "a JSON object {filter?, type?, sessionId?, threadId?, limit?, orderBy?}", new Dictionary<string, FieldRule>(StringComparer.Ordinal)
    {
        ["filter"] = FieldRules.Object("Maps a field of data to a value, or to {\"$gt\"|\"$gte\"|\"$lt\"|\"$lte\"|\"$ne\": v}, {\"$in\": [..]}, {\"$like\": \"pattern\"}.", """{"score":{"$gte":5},"tag":{"$in":["x","y"]}}"""),
        ["type"] = FieldRules.Text("Only records of this type.", RecordRules.MaxLabelLength, example: "\"note\""),
        ["sessionId"] = FieldRules.Text("Only records of this session.", RecordRules.MaxLabelLength),
        ["threadId"] = FieldRules.Text("Only records of this thread.", RecordRules.MaxLabelLength),
        ["limit"] = FieldRules.Whole("At most this many.", 1, RecordRules.MaxQueryLimit, RecordRules.DefaultQueryLimit, "10"),
        ["orderBy"] = new("The order; a leading '-' is descending.", JsonSchemaType.String, Values: RecordRules.Orders, Default: $"\"{RecordRules.Orders[0]}\""),
    }, """{"filter":{"score":{"$gte":5}},"type":"note","limit":10,"orderBy":"-createdAt"}""");

    public static readonly SchemaExample RecordWritten = SchemaExample.For<RecordWritten>("""{"id":"r1","version":1,"createdAt":"2026-10-01T12:00:00+00:00","updatedAt":"2026-10-01T12:00:00+00:00","expiresAt":null}""");
    public static readonly SchemaExample StoredRecord = SchemaExample.For<StoredRecord>("""{"id":"r1","data":{"score":5,"tag":"x"},"type":"note","sessionId":"s1","threadId":null,"metadata":{},"version":1,"createdAt":"2026-10-01T12:00:00+00:00","updatedAt":"2026-10-01T12:00:00+00:00","expiresAt":null}""");
}
