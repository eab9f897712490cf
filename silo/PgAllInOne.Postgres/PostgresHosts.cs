using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// The hosts of a connection string (Npgsql's multi-host form, <c>Host=a:5432,b:5432,c:5432</c>): writes go to whichever
/// of them is the primary, and each of them alone can be asked for its role or serve reads as a standby.
/// </summary>
public static class PostgresHosts
{
    /// <summary>How long Npgsql trusts what it found a host to be; short, so that a new primary takes writes within a second or two of its promotion.</summary>
    public const int RecheckSeconds = 1;

    /// <summary>Each host of the connection string as <c>host:port</c>, in the order given.</summary>
    public static IReadOnlyList<string> Of(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var defaultPort = builder.Port;
        return (builder.Host ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(host => WithPort(host, defaultPort))
            .ToList();
    }

    /// <summary>True when the connection string names more than one host.</summary>
    public static bool AreSeveral(string connectionString) => Of(connectionString).Count > 1;

    /// <summary>
    /// Makes a connection string reach only the primary, whatever it said (a standby, or one that was the primary
    /// before a failover, refuses writes), and find a new primary soon after a failover. A one-host string is unchanged.
    /// </summary>
    public static void ToPrimary(NpgsqlConnectionStringBuilder connection)
    {
        if (Of(connection.ConnectionString).Count < 2)
        {
            return;
        }

        connection.TargetSessionAttributes = "primary";
        connection.HostRecheckSeconds = RecheckSeconds;
    }

    /// <summary>The connection string for one of its hosts alone, with at most <paramref name="maxPoolSize"/> connections.</summary>
    public static string ForHost(string connectionString, string host, int maxPoolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var colon = host.LastIndexOf(':');
        builder.Host = host[..colon];
        builder.Port = int.Parse(host[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        builder.Remove("Target Session Attributes");
        builder.Remove("Load Balance Hosts");
        builder.MaxPoolSize = maxPoolSize;
        return builder.ConnectionString;
    }

    private static string WithPort(string host, int defaultPort)
    {
        // "host:port", or a bare host taking the string's Port; an IPv6 address in brackets keeps its colons.
        var colon = host.LastIndexOf(':');
        var bracket = host.LastIndexOf(']');
        return colon > bracket && colon > 0 ? host : $"{host}:{defaultPort}";
    }
}
