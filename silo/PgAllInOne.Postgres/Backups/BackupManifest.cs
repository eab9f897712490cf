using System.Text.Json.Serialization;

namespace PgAllInOne.Postgres.Backups;

/// <summary>The part of pg_basebackup's <c>backup_manifest</c> read here: the WAL a restore of the backup needs.</summary>
internal sealed record BackupManifest([property: JsonPropertyName("WAL-Ranges")] List<WalRange> WalRanges);

internal sealed record WalRange(
    [property: JsonPropertyName("Timeline")] int Timeline,
    [property: JsonPropertyName("Start-LSN")] string StartLsn,
    [property: JsonPropertyName("End-LSN")] string EndLsn);
