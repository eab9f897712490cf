using Microsoft.OpenApi;
using PgAllInOne.Api.Contracts.Backups;
using PgAllInOne.Silo.Api.OpenApi;

namespace PgAllInOne.Silo.Api.Backups;

/// <summary>What the backups' endpoints accept and answer, as the OpenAPI document and the problem details state it.</summary>
internal static class BackupsContract
{
    /// <summary>A restore point's name: what <c>pgaio restore --to-name</c> and PostgreSQL's recovery_target_name take as it is.</summary>
    public const string NamePattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$";

    public const string NameRule = "name must be 1-63 characters of letters, digits, '_', '.' or '-', starting with a letter or digit";

    public static readonly BodyContract NewRestorePoint = new(typeof(CreateRestorePointRequest), nameof(CreateRestorePointRequest), "a JSON object {name}", new Dictionary<string, FieldRule>(StringComparer.Ordinal)
    {
        ["name"] = new("The point's name (unique): letters, digits, '_', '.' or '-', starting with a letter or digit.", JsonSchemaType.String, Required: true, MinLength: 1, MaxLength: 63, Pattern: NamePattern, Example: "\"before-migration-42\""),
    }, """{"name":"before-migration-42"}""");

    public static readonly SchemaExample BackupList = SchemaExample.For<BackupList>("""{"backups":[{"id":"20261207T010000123Z","started":"2026-12-07T01:00:00.123+00:00","finished":"2026-12-07T01:00:04.5+00:00","sizeBytes":41234567,"verified":true}],"window":{"earliest":"2026-12-07T01:00:04.5+00:00","latest":"2026-12-07T09:15:02.25+00:00"},"restorePoints":[{"name":"before-migration-42","time":"2026-12-07T08:00:00+00:00","lsn":"0/5000128"}],"running":null,"walLagSeconds":0}""");
    public static readonly SchemaExample BaseBackupView = SchemaExample.For<BaseBackupView>("""{"id":"20261207T010000123Z","started":"2026-12-07T01:00:00.123+00:00","finished":"2026-12-07T01:00:04.5+00:00","sizeBytes":41234567,"verified":true}""");
    public static readonly SchemaExample RestoreWindowView = SchemaExample.For<RestoreWindowView>("""{"earliest":"2026-12-07T01:00:04.5+00:00","latest":"2026-12-07T09:15:02.25+00:00"}""");
    public static readonly SchemaExample RestorePointView = SchemaExample.For<RestorePointView>("""{"name":"before-migration-42","time":"2026-12-07T08:00:00+00:00","lsn":"0/5000128"}""");
    public static readonly SchemaExample BackupStarted = SchemaExample.For<BackupStarted>("""{"id":"20261207T091500250Z"}""");
}
