using System.Text.Json;
using Npgsql;
using PgAllInOne.GrainInterfaces.Users;

namespace PgAllInOne.Grains.Users;

internal static class UserRows
{
    /// <summary>Reads the user columns in the order every users statement returns them.</summary>
    public static UserView Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetFieldValue<JsonElement>(3),
        reader.GetInt64(4),
        reader.GetInt64(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetFieldValue<DateTimeOffset>(7));
}
