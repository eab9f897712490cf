using PgAllInOne.Postgres;

namespace PgAllInOne.OrleansExtensions;

/// <summary>The SQL files of our Orleans extensions, embedded in this assembly under their feature folder ("GrainStorage/ReadGrainState.sql").</summary>
internal static class OrleansExtensionsSql
{
    public static string Get(string name) => SqlResource.Get(typeof(OrleansExtensionsSql).Assembly, "orleans-extensions/" + name);
}
