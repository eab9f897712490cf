using System.Collections.Concurrent;
using System.Reflection;

namespace PgAllInOne.Postgres;

/// <summary>Reads SQL text embedded in an assembly (SQL lives in .sql files, not in strings).</summary>
public static class SqlResource
{
    private static readonly ConcurrentDictionary<(Assembly, string), string> Cache = new();

    public static string Get(Assembly assembly, string name) =>
        Cache.GetOrAdd((assembly, name), static key =>
        {
            using var stream = key.Item1.GetManifestResourceStream(key.Item2)
                ?? throw new InvalidOperationException($"SQL resource '{key.Item2}' is not embedded in {key.Item1.GetName().Name}.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        });

    internal static string Own(string fileName) => Get(typeof(SqlResource).Assembly, "postgres/" + fileName);
}
