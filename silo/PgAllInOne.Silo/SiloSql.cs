using PgAllInOne.Postgres;

namespace PgAllInOne.Silo;

/// <summary>The SQL files of the silo host, embedded in this assembly under <c>silo/</c> and their feature folder.</summary>
internal static class SiloSql
{
    /// <summary>The text of <paramref name="path"/>, a file of a feature's Sql folder named by feature: <c>Auth/FindApiKey.sql</c>.</summary>
    public static string Get(string path) => SqlResource.Get(typeof(SiloSql).Assembly, "silo/" + path);
}
