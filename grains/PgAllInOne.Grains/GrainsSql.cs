using PgAllInOne.Postgres;

namespace PgAllInOne.Grains;

/// <summary>The SQL files of the grains, embedded in this assembly under their feature folder ("Users/InsertEvents.sql").</summary>
internal static class GrainsSql
{
    public static string Get(string name) => SqlResource.Get(typeof(GrainsSql).Assembly, "grains/" + name);
}
