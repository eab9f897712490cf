using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace PgAllInOne.Tests.Deployment;

/// <summary>
/// YAML read the way docker compose and kubectl read it: every document of a file, aliases resolved, merge keys
/// (<c>&lt;&lt;: *anchor</c>) applied, mappings keyed by string and every scalar kept as its text.
/// </summary>
public static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static IReadOnlyList<object> LoadAll(string path)
    {
        using var reader = new StreamReader(path);
        var parser = new Parser(reader);
        parser.Consume<StreamStart>();
        var documents = new List<object>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (Merge(Deserializer.Deserialize<object?>(parser)) is { } document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    public static object? At(this object? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node is Dictionary<string, object?> map && map.TryGetValue(key, out var child) ? child : null;
        }

        return node;
    }

    public static string? Text(this object? node, params string[] path) => node.At(path) as string;

    public static IReadOnlyList<object?> Items(this object? node, params string[] path) => node.At(path) as List<object?> ?? [];

    public static IReadOnlyDictionary<string, object?> Map(this object? node, params string[] path) =>
        node.At(path) as Dictionary<string, object?> ?? [];

    private static object? Merge(object? node) => node switch
    {
        IDictionary<object, object?> map => MergeMap(map),
        IList<object?> list => list.Select(Merge).ToList(),
        _ => node,
    };

    /// <summary>Keys of the merged mappings first, in order; the mapping's own keys override them.</summary>
    private static Dictionary<string, object?> MergeMap(IDictionary<object, object?> map)
    {
        var merged = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (map.TryGetValue("<<", out var bases))
        {
            foreach (var source in bases as IList<object?> ?? [bases])
            {
                foreach (var (key, value) in (Dictionary<string, object?>)Merge(source)!)
                {
                    merged[key] = value;
                }
            }
        }

        foreach (var (key, value) in map)
        {
            if (!Equals(key, "<<"))
            {
                merged[(string)key] = Merge(value);
            }
        }

        return merged;
    }
}
