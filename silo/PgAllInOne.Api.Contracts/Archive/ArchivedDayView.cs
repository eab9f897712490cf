namespace PgAllInOne.Api.Contracts.Archive;

/// <summary>
/// An archived UTC day of metric readings: its Parquet file (a name inside <c>Metrics:ArchiveDirectory</c>) and its
/// generation (1, then one more each time the day is archived again), the readings and bytes the file holds, the SHA-256
/// of its bytes, when it was archived, and when it was attached again (null while its readings are only in the file).
/// </summary>
public sealed record ArchivedDayView(DateOnly Day, string File, int Generation, long Readings, long Bytes, string Sha256, DateTimeOffset ArchivedAt, DateTimeOffset? AttachedAt);
