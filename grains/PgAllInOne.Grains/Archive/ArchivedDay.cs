namespace PgAllInOne.Grains.Archive;

/// <summary>
/// One archived UTC day: its Parquet file (a name inside <c>Metrics:ArchiveDirectory</c>), the readings and bytes the file
/// holds, the SHA-256 of its bytes, when it was archived, and when it was attached again (null while the readings are
/// only in the file).
/// </summary>
public sealed record ArchivedDay(DateOnly Day, string File, int Generation, long Readings, long Bytes, string Sha256, DateTimeOffset ArchivedAt, DateTimeOffset? AttachedAt)
{
    internal static ArchivedDay Read(Npgsql.NpgsqlDataReader reader) => new(
        reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetString(5),
        reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7));
}
