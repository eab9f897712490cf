using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// A private PostgreSQL run from the machine's binaries: initdb on first use, pg_ctl start on 127.0.0.1 with a free
/// port, pg_ctl stop on dispose. PostgreSQL refuses to run as root, so as root the server runs as the postgres account.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string SuperUser = "pgaio";
    private const string ServiceAccount = "postgres";

    /// <summary>The login role the silo serves requests as: no superuser, no DDL; its rights come from <c>pgaio_serving</c>.</summary>
    public const string ServingUser = "pgaio_app";

    private readonly string binDirectory;
    private readonly bool asServiceAccount;
    private readonly EmbeddedPostgresOptions options;
    private readonly string password;
    private readonly string servingPassword;
    private readonly ILogger log;
    private bool started;
    private bool stopped;

    private EmbeddedPostgres(string binDirectory, string clusterDirectory, bool asServiceAccount, EmbeddedPostgresOptions options, string password, string servingPassword, ILogger log)
    {
        this.servingPassword = servingPassword;
        this.binDirectory = binDirectory;
        ClusterDirectory = clusterDirectory;
        this.asServiceAccount = asServiceAccount;
        this.options = options;
        this.password = password;
        this.log = log;
        Port = FreePort();
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = SuperUser,
            Password = password,
            Database = options.Database,
        }.ConnectionString;
        ServingConnectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Username = ServingUser, Password = servingPassword }.ConnectionString;
        var root = Path.GetFullPath(options.DataDirectory);
        AdminConnectionFile = Path.Combine(root, "postgres-admin.connection");
        ServingConnectionFile = Path.Combine(root, "postgres.connection");
    }

    public string ClusterDirectory { get; }

    public int Port { get; }

    /// <summary>
    /// The superuser's (migrations, maintenance, creating databases). Known before the server starts, so that a host can
    /// be configured with it and start the server later.
    /// </summary>
    public string ConnectionString { get; }

    /// <summary>The serving login's (<see cref="ServingUser"/>), also known before the server starts.</summary>
    public string ServingConnectionString { get; }

    /// <summary>Where <see cref="ConnectionString"/> is written for silos that join (mode 0600): never logged, only this path.</summary>
    public string AdminConnectionFile { get; }

    /// <summary>Where <see cref="ServingConnectionString"/> is written for silos that join (mode 0600).</summary>
    public string ServingConnectionFile { get; }

    /// <summary>
    /// Finds the binaries, the cluster folder, the password and a free port, without starting anything: the connection
    /// string is then known, and <see cref="StartAsync(CancellationToken)"/> starts the server on it.
    /// </summary>
    public static EmbeddedPostgres Prepare(EmbeddedPostgresOptions options, ILogger log)
    {
        var bin = options.BinDirectory ?? FindBinDirectory(options.SearchPath)
            ?? throw new EmbeddedPostgresException(
                "No PostgreSQL server binaries (initdb, pg_ctl) were found on PATH or under /usr/lib/postgresql/*/bin. " +
                "Install the server (Debian/Ubuntu: apt-get install postgresql) or set ConnectionStrings:Postgres to an existing server.");

        var root = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(root);
        var asServiceAccount = RunsAsServiceAccount;
        var cluster = ClusterDirectoryFor(root);
        if (cluster != Path.Combine(root, "postgres"))
        {
            log.EmbeddedPostgresRelocated(root, cluster);
        }

        var password = ReadOrCreatePassword(Path.Combine(root, "postgres.password"));
        var servingPassword = ReadOrCreatePassword(Path.Combine(root, "postgres-serving.password"));
        return new EmbeddedPostgres(bin, cluster, asServiceAccount, options, password, servingPassword, log);
    }

    /// <summary>Prepares and starts a server: initdb on first use, then pg_ctl start, then the database.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, ILogger log, CancellationToken cancellationToken = default)
    {
        var server = Prepare(options, log);
        await server.StartAsync(cancellationToken);
        return server;
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
        {
            await InitializeAsync(password, cancellationToken);
        }

        await StartServerAsync(options.Settings, cancellationToken);
        (started, stopped) = (true, false);
        var version = await EnsureDatabaseAsync(options.Database, cancellationToken);
        await EnsureServingLoginAsync(cancellationToken);
        WriteSecret(AdminConnectionFile, ConnectionString);
        WriteSecret(ServingConnectionFile, ServingConnectionString);
        log.EmbeddedPostgresStarted(version, ClusterDirectory, ServingConnectionFile, AdminConnectionFile);
    }

    /// <summary>True when the server runs as the postgres account (the process is root, which PostgreSQL refuses).</summary>
    public static bool RunsAsServiceAccount => Environment.UserName == "root";

    /// <summary>
    /// Where the cluster of the silo data folder <paramref name="dataDirectory"/> (which must exist) lives: its "postgres"
    /// folder, or, when the postgres account cannot reach that folder, one of its own under /var/lib/pgallinone.
    /// </summary>
    public static string ClusterDirectoryFor(string dataDirectory)
    {
        var root = Path.GetFullPath(dataDirectory);
        if (RunsAsServiceAccount && !CanServiceAccountReach(root))
        {
            // A root-only parent (such as /root) hides the folder from the postgres account: keep the cluster where it can live.
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..16];
            return Path.Combine("/var/lib/pgallinone", hash, "postgres");
        }

        return Path.Combine(root, "postgres");
    }

    /// <summary>The folder holding initdb and pg_ctl: PATH first, then the newest /usr/lib/postgresql/*/bin.</summary>
    public static string? FindBinDirectory(IReadOnlyList<string>? searchPath = null)
    {
        var candidates = searchPath ?? DefaultSearchPath();
        foreach (var folder in candidates)
        {
            var pgCtl = Path.Combine(folder, "pg_ctl");
            if (File.Exists(pgCtl))
            {
                var resolved = new FileInfo(pgCtl).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? pgCtl;
                var bin = Path.GetDirectoryName(resolved)!;
                if (File.Exists(Path.Combine(bin, "initdb")))
                {
                    return bin;
                }
            }
        }

        return null;
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>
    /// Stops the server: "fast" (sessions ended, a clean checkpoint), or <paramref name="immediate"/> as a crash would
    /// (the next start recovers from the WAL). <see cref="StartAsync(CancellationToken)"/> starts it again on the same port.
    /// </summary>
    public async Task StopAsync(bool immediate = false)
    {
        if (stopped || !started)
        {
            return;
        }

        stopped = true;
        await RunAsync("pg_ctl", ["-D", ClusterDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "30", "stop"], CancellationToken.None);
        log.EmbeddedPostgresStopped(ClusterDirectory);
    }

    private static IReadOnlyList<string> DefaultSearchPath()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin"))
            : [];
        return [.. path, .. versions];
    }

    private static string ReadOrCreatePassword(string file)
    {
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }

        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        WriteSecret(file, password);
        return password;
    }

    /// <summary>Written whole to a file only its owner can read, created so before the secret is in it.</summary>
    private static void WriteSecret(string file, string secret)
    {
        using (File.Create(file))
        {
        }

        RestrictToOwner(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(file, secret + "\n");
    }

    private static void RestrictToOwner(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static bool CanServiceAccountReach(string folder)
    {
        using var process = Process.Start(new ProcessStartInfo("runuser", ["-u", ServiceAccount, "--", "test", "-x", folder]) { UseShellExecute = false })
            ?? throw new EmbeddedPostgresException("Could not start runuser.");
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    private async Task InitializeAsync(string password, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(ClusterDirectory);
        var passwordFile = Path.Combine(Path.GetDirectoryName(ClusterDirectory)!, $".initdb-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        RestrictToOwner(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        RestrictToOwner(ClusterDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            if (asServiceAccount)
            {
                await RequireAsync("chown", [$"{ServiceAccount}:{ServiceAccount}", ClusterDirectory, passwordFile], cancellationToken);
                var parent = Path.GetDirectoryName(ClusterDirectory)!;
                if (parent.StartsWith("/var/lib/pgallinone", StringComparison.Ordinal))
                {
                    await RequireAsync("chown", [$"{ServiceAccount}:{ServiceAccount}", parent], cancellationToken);
                }
            }

            await RunAsync("initdb", ["-D", ClusterDirectory, "-U", SuperUser, "--pwfile", passwordFile, "--auth", "scram-sha-256", "-E", "UTF8", "--locale", "C.UTF-8"], cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private async Task StartServerAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var (status, _) = await ExecuteAsync(Tool("pg_ctl"), Wrap(["-D", ClusterDirectory, "status"]), cancellationToken);
        if (status == 0)
        {
            // Left running by a process that did not stop it: this folder is ours alone, so restart it cleanly.
            await RunAsync("pg_ctl", ["-D", ClusterDirectory, "-m", "fast", "-w", "-t", "30", "stop"], cancellationToken);
        }

        var serverOptions = new StringBuilder().Append(CultureInfo.InvariantCulture, $"-c listen_addresses=127.0.0.1 -c port={Port} -c unix_socket_directories=''");
        foreach (var (name, value) in settings)
        {
            serverOptions.Append(CultureInfo.InvariantCulture, $" -c {name}={value}");
        }

        await RunAsync("pg_ctl", ["-D", ClusterDirectory, "-l", Path.Combine(ClusterDirectory, "server.log"), "-w", "-t", "60", "-o", serverOptions.ToString(), "start"], cancellationToken);
    }

    private async Task<string> EnsureDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database });
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        return connection.PostgreSqlVersion.ToString();
    }

    /// <summary>
    /// Creates the serving login (or sets its password again, should the file have been replaced). The password reaches
    /// the server as a bound parameter, never in a statement's text, so no statement log can show it.
    /// </summary>
    private async Task EnsureServingLoginAsync(CancellationToken cancellationToken)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken);
        await using (var settings = new NpgsqlCommand(SqlResource.Own("SetServingLogin.sql"), connection))
        {
            settings.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ServingUser });
            settings.Parameters.Add(new NpgsqlParameter<string> { TypedValue = servingPassword });
            await settings.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var ensure = new NpgsqlCommand(SqlResource.Own("EnsureServingLogin.sql"), connection);
        await ensure.ExecuteNonQueryAsync(cancellationToken);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string Tool(string name) => asServiceAccount ? "runuser" : Path.Combine(binDirectory, name);

    private string[] Wrap(string[] arguments, string? tool = null) =>
        asServiceAccount ? ["-u", ServiceAccount, "--", Path.Combine(binDirectory, tool ?? "pg_ctl"), .. arguments] : arguments;

    private async Task RunAsync(string tool, string[] arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await ExecuteAsync(Tool(tool), Wrap(arguments, tool), cancellationToken);
        if (exitCode != 0)
        {
            var log = Path.Combine(ClusterDirectory, "server.log");
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(15)) : "";
            throw new EmbeddedPostgresException($"{tool} {string.Join(' ', arguments)} failed with exit code {exitCode}: {output.Trim()}\n{tail}".Trim());
        }
    }

    private static async Task RequireAsync(string command, string[] arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await ExecuteAsync(command, arguments, cancellationToken);
        if (exitCode != 0)
        {
            throw new EmbeddedPostgresException($"{command} {string.Join(' ', arguments)} failed: {output.Trim()}");
        }
    }

    private static async Task<(int ExitCode, string Output)> ExecuteAsync(string fileName, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new EmbeddedPostgresException($"Could not start {fileName}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
