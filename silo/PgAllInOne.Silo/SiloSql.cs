using PgAllInOne.Postgres;

namespace PgAllInOne.Silo;

/// <summary>The SQL files of the silo host, embedded in this assembly.</summary>
internal static class SiloSql
{
    public static string Get(string fileName) => SqlResource.Get(typeof(SiloSql).Assembly, "silo-sql/" + fileName);
}
