using System.Globalization;
using System.Text;
using Npgsql;

namespace PgAllInOne.Postgres.Backups;

/// <summary>
/// The libpq connection string the PostgreSQL programs use to reach the silo's server as its owner (a role with the
/// REPLICATION attribute), from the Npgsql connection string the silo has; the password goes in PGPASSWORD, never on a
/// command line.
/// </summary>
public sealed class ReplicationConnection
{
    /// <summary>The application name (and replication slot) of the WAL receiver: what synchronous_standby_names names.</summary>
    public const string ReceiverName = "pgaio_backup";

    /// <summary>The application name of pg_basebackup: never the receiver's, so never a synchronous standby.</summary>
    public const string BaseBackupName = "pgaio_basebackup";

    private ReplicationConnection(string connectionString, string? password)
    {
        ConnectionString = connectionString;
        Environment = password is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["PGPASSWORD"] = password };
    }

    public string ConnectionString { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public static ReplicationConnection From(string npgsqlConnectionString, string applicationName = ReceiverName)
    {
        var source = new NpgsqlConnectionStringBuilder(npgsqlConnectionString);
        var hosts = new List<string>();
        var ports = new List<string>();
        foreach (var entry in (source.Host ?? "127.0.0.1").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Npgsql's multi-host form is host:port,host:port; libpq takes the hosts and the ports as two lists.
            var colon = entry.LastIndexOf(':');
            var hasPort = colon > 0 && !entry.EndsWith(']') && int.TryParse(entry[(colon + 1)..], CultureInfo.InvariantCulture, out _);
            hosts.Add(hasPort ? entry[..colon] : entry);
            ports.Add(hasPort ? entry[(colon + 1)..] : source.Port.ToString(CultureInfo.InvariantCulture));
        }

        var libpq = new StringBuilder();
        Add(libpq, "host", string.Join(',', hosts));
        Add(libpq, "port", string.Join(',', ports));
        Add(libpq, "user", source.Username ?? System.Environment.UserName);
        Add(libpq, "application_name", applicationName);
        Add(libpq, "connect_timeout", "10");
        if (hosts.Count > 1)
        {
            // Backups are taken from, and the WAL streamed from, the primary of a cluster.
            Add(libpq, "target_session_attrs", "read-write");
        }

        if (source.SslMode is SslMode.Require or SslMode.VerifyCA or SslMode.VerifyFull)
        {
            Add(libpq, "sslmode", source.SslMode.ToString().ToLowerInvariant().Replace("verifyca", "verify-ca", StringComparison.Ordinal).Replace("verifyfull", "verify-full", StringComparison.Ordinal));
        }

        if (!string.IsNullOrEmpty(source.RootCertificate))
        {
            // libpq would look in ~/.postgresql/root.crt: the authority the silo verifies the server with, for its programs too.
            Add(libpq, "sslrootcert", source.RootCertificate);
        }

        return new ReplicationConnection(libpq.ToString().TrimEnd(), source.Password);
    }

    private static void Add(StringBuilder libpq, string key, string value) =>
        libpq.Append(key).Append("='").Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append("' ");
}
