using System.Reflection;
using PgAllInOne.Silo;

namespace PgAllInOne.Tests.Deployment;

/// <summary>
/// The configuration keys the silo reads: <c>Section:Property</c> of every public options class with a
/// <c>public const string SectionName</c> in the silo and the PgAllInOne assemblies it references, plus the fixed keys of API.md.
/// </summary>
public static class SiloConfigurationKeys
{
    private static readonly string[] FixedKeys = ["ConnectionStrings:Postgres", "ConnectionStrings:PostgresAdmin", "ConnectionStrings:Redis", "Urls"];

    /// <summary>Read by .NET and ASP.NET Core themselves or by OpenTelemetry, not by the silo's options.</summary>
    private static readonly string[] StandardPrefixes = ["ASPNETCORE_", "DOTNET_", "OTEL_"];

    private const string SiloPrefix = "PGAIO__";

    public static IReadOnlySet<string> All { get; } = Collect();

    public static bool IsStandard(string variable) =>
        StandardPrefixes.Any(prefix => variable.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// An environment variable's configuration key: the PGAIO__ prefix dropped, <c>__</c> read as <c>:</c>, and a
    /// section's <c>Key_FILE</c> read as the <c>Key</c> whose value the file holds (<see cref="SecretFiles"/>).
    /// </summary>
    public static string KeyOf(string variable)
    {
        var name = variable.StartsWith(SiloPrefix, StringComparison.OrdinalIgnoreCase) ? variable[SiloPrefix.Length..] : variable;
        var key = name.Replace("__", ":", StringComparison.Ordinal);
        return key.Contains(':', StringComparison.Ordinal) && key.EndsWith(SecretFiles.Suffix, StringComparison.OrdinalIgnoreCase) ? key[..^SecretFiles.Suffix.Length] : key;
    }

    private static HashSet<string> Collect()
    {
        var keys = new HashSet<string>(FixedKeys, StringComparer.OrdinalIgnoreCase);
        foreach (var assembly in SiloAssemblies())
        {
            foreach (var type in assembly.GetExportedTypes().Where(type => type.IsClass))
            {
                if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                    && field.GetRawConstantValue() is string section)
                {
                    keys.UnionWith(type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                        .Where(property => property.SetMethod?.IsPublic == true)
                        .Select(property => $"{section}:{property.Name}"));
                }
            }
        }

        // The "Membership" section binds straight onto Orleans' membership options.
        keys.UnionWith(typeof(Orleans.Configuration.ClusterMembershipOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.SetMethod?.IsPublic == true)
            .Select(property => $"Membership:{property.Name}"));
        return keys;
    }

    /// <summary>The silo's assembly and, transitively, every assembly it references whose name starts with PgAllInOne.</summary>
    private static List<Assembly> SiloAssemblies()
    {
        var found = new List<Assembly>();
        var pending = new Queue<Assembly>([typeof(PgAllInOne.Silo.Api.ApiOptions).Assembly]);
        while (pending.TryDequeue(out var assembly))
        {
            if (found.Contains(assembly))
            {
                continue;
            }

            found.Add(assembly);
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name?.StartsWith("PgAllInOne", StringComparison.Ordinal) == true)
                {
                    pending.Enqueue(Assembly.Load(reference));
                }
            }
        }

        return found;
    }
}
