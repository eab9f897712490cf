using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Records;

namespace PgAllInOne.Grains.Records;

internal static class RecordRows
{
    public static StoredRecord Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetFieldValue<JsonElement>(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.GetFieldValue<JsonElement>(5),
        reader.GetInt64(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        reader.GetFieldValue<DateTimeOffset>(8),
        reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9));

    public static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
