using Microsoft.OpenApi;
using PgAllInOne.Api.Contracts.Keys;
using PgAllInOne.Silo.Api.OpenApi;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api.Keys;

/// <summary>What the keys' endpoints accept and answer, as the OpenAPI document and the problem details state it.</summary>
internal static class KeysContract
{
    /// <summary>Longest name of a key, in characters.</summary>
    public const int MaxNameLength = 100;

    public static readonly FieldRule Id = FieldRules.Id("The key's id.");

    public static readonly BodyContract NewKey = new(typeof(CreateKeyRequest), nameof(CreateKeyRequest), "a JSON object {name, role}", new Dictionary<string, FieldRule>(StringComparer.Ordinal)
    {
        ["name"] = FieldRules.Text("What the key is for.", MaxNameLength, required: true, example: "\"ingest\""),
        ["role"] = new("admin: everything; writer: reads and writes; reader: GET only.", JsonSchemaType.String, Required: true, Values: ApiRoles.All, Example: "\"writer\""),
    }, """{"name":"ingest","role":"writer"}""");

    public static readonly SchemaExample ApiKey = SchemaExample.For<ApiKey>("""{"id":2,"name":"ingest","role":"writer","createdAt":"2026-10-01T12:00:00+00:00"}""");
    public static readonly SchemaExample CreatedApiKey = SchemaExample.For<CreatedApiKey>("""{"id":2,"name":"ingest","role":"writer","key":"pgaio_3q2…"}""");
}
