using PgAllInOne.Postgres;

namespace PgAllInOne.Grains;

/// <summary>The SQL files of the grains, embedded in this assembly.</summary>
internal static class GrainsSql
{
    public static string Get(string fileName) => SqlResource.Get(typeof(GrainsSql).Assembly, "grains-sql/" + fileName);
}
