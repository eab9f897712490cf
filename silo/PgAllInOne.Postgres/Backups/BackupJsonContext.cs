using System.Text.Json.Serialization;

namespace PgAllInOne.Postgres.Backups;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(BaseBackupInfo))]
[JsonSerializable(typeof(List<RestorePoint>))]
[JsonSerializable(typeof(BackupManifest))]
internal sealed partial class BackupJsonContext : JsonSerializerContext;
