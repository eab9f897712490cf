using Microsoft.OpenApi;
using PgAllInOne.Api.Contracts.Audit;
using PgAllInOne.Postgres.Audit;
using PgAllInOne.Silo.Api.OpenApi;

namespace PgAllInOne.Silo.Api.Audit;

/// <summary>What the audit trail's endpoint accepts and answers, as the OpenAPI document and the problem details state it.</summary>
internal static class AuditContract
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static readonly FieldRule From = FieldRules.Instant("Entries at or after this time; absent: from the first kept.");
    public static readonly FieldRule To = FieldRules.Instant("Entries before this time; absent: up to now.");
    public static readonly FieldRule Action = new("Only entries of this action.", JsonSchemaType.String, Values: AuditActions.All);
    public static readonly FieldRule Limit = FieldRules.Whole("At most this many, newest first.", 1, MaxLimit, DefaultLimit);

    public static readonly SchemaExample Entry = SchemaExample.For<AuditEntry>(
        """{"id":7,"at":"2026-10-01T12:00:00+00:00","action":"record.deleted","target":"records/r1","keyId":2,"keyName":"ingest","clientAddress":"10.0.0.5","requestId":"4bf92f3577b34da6a3ce929d0e0e4736"}""");
}
