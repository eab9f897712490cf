using System.Text.RegularExpressions;

namespace PgAllInOne.Postgres.Backups;

/// <summary>
/// What a restored folder must not keep of the server it was backed up from, set in its postgresql.auto.conf (read last,
/// so it wins): no synchronous standby (none is there for the restored server, so every write would wait for it), and,
/// where that server's configuration named files or folders outside its data folder (as Patroni writes
/// <c>hba_file</c>, <c>ident_file</c> and <c>unix_socket_directories</c>), the restored folder's own copies instead.
/// </summary>
internal static partial class RestoredSettings
{
    private static readonly string[] Replaced = ["synchronous_standby_names", "hba_file", "ident_file", "unix_socket_directories"];

    /// <summary>The lines of postgresql.auto.conf for the restored <paramref name="cluster"/>, from the backed-up server's.</summary>
    public static async Task<List<string>> ForAsync(string cluster, IReadOnlyList<string> autoConf, CancellationToken cancellationToken)
    {
        var conf = Path.Combine(cluster, "postgresql.conf");
        IReadOnlyList<string> configured = [.. File.Exists(conf) ? await File.ReadAllLinesAsync(conf, cancellationToken) : [], .. autoConf];
        var lines = autoConf.Where(line => !Replaced.Any(name => ValueOf([line], name) is not null)).ToList();
        lines.Add("synchronous_standby_names = ''");
        foreach (var (name, file) in new[] { ("hba_file", "pg_hba.conf"), ("ident_file", "pg_ident.conf") })
        {
            if (ValueOf(configured, name) is { } path && Path.GetDirectoryName(path) != cluster && File.Exists(Path.Combine(cluster, file)))
            {
                lines.Add($"{name} = '{Quote(Path.Combine(cluster, file))}'");
            }
            else if (ValueOf(autoConf, name) is { } kept)
            {
                lines.Add($"{name} = '{Quote(kept)}'");
            }
        }

        if (ValueOf(configured, "unix_socket_directories") is { } sockets)
        {
            var missing = sockets.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Any(folder => !Directory.Exists(folder));
            lines.Add($"unix_socket_directories = '{Quote(missing ? Path.GetTempPath().TrimEnd('/') : sockets)}'");
        }

        return lines;
    }

    // The value of the last line that sets name (a later line wins, as PostgreSQL reads them); null when none does.
    private static string? ValueOf(IReadOnlyList<string> lines, string name) =>
        lines.Select(line => Setting().Match(line)).LastOrDefault(match => match.Success && match.Groups["name"].Value.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?.Groups["value"].Value.Replace("''", "'", StringComparison.Ordinal);

    private static string Quote(string value) => value.Replace("'", "''", StringComparison.Ordinal);

    [GeneratedRegex(@"^\s*(?<name>[a-z_]+)\s*=?\s*'(?<value>(?:[^']|'')*)'")]
    private static partial Regex Setting();
}
