using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using PgAllInOne.Tests.Infrastructure;

using static PgAllInOne.Tests.Deployment.DeploymentFiles;

namespace PgAllInOne.Tests.Deployment;

/// <summary>
/// The Patroni image's own patroni.yml and post-bootstrap script, run on this machine's Debian packages as the compose
/// file runs them: etcd and three nodes, each given only what compose gives it through PATRONI_* variables (here loopback
/// addresses and folders instead of container names). The one other change: the script's path inside the image. Each
/// node's TLS files are docker/make-certificates.sh's (for "localhost" here), put where compose's entrypoint puts them.
/// </summary>
[Trait("Category", "EndToEnd")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PatroniImageConfigTests : IAsyncLifetime, IDisposable
{
    private const string Superuser = "image-superuser";
    private const string SiloPassword = "image-silo";
    private const string ServingPassword = "image-serving";
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(150);

    private readonly TempFolder root = new("pgaio-patroni-image");
    private readonly List<(Process Process, StringBuilder Output)> processes = [];
    private readonly List<(string Name, int RestPort, int PostgresPort, string DataDirectory)> nodes = [];
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(3) };

    public async Task InitializeAsync()
    {
        var ports = FreePorts(8);
        var conf = Path.Combine(root.Path, "conf");
        Directory.CreateDirectory(conf);
        File.Copy(FullPath(HaComposeTests.PatroniConfig), Path.Combine(conf, "patroni.yml"));
        var script = Path.Combine(root.Path, "post-bootstrap.sh");
        File.Copy(FullPath("docker/patroni/post-bootstrap.sh"), script); // with its mode: executable
        // Patroni merges the folder's files in order: only the script's place differs from the image.
        await File.WriteAllTextAsync(Path.Combine(conf, "zz-outside-the-image.yml"), $"bootstrap:\n  post_bootstrap: {script}\n");
        // The silos' two passwords as the compose secrets give them: files.
        var (ownerFile, servingFile) = (Path.Combine(root.Path, "postgres_password"), Path.Combine(root.Path, "pgaio_serving_password"));
        await File.WriteAllTextAsync(ownerFile, SiloPassword);
        await File.WriteAllTextAsync(servingFile, ServingPassword);
        // The compose certificates, for the name the tests connect by; each node gets them beside its data folder as
        // compose's entrypoint installs them there (patroni.yml: ssl_cert_file=../tls/server.crt, ...), its key 0600.
        await CertificateScript.RunAsync(Path.Combine(root.Path, "certificates"), "localhost");
        for (var n = 1; n <= 3; n++)
        {
            var tls = Path.Combine(root.Path, $"n{n}", "tls");
            Directory.CreateDirectory(tls);
            File.Copy(Certificate("ca.crt"), Path.Combine(tls, "ca.crt"));
            File.Copy(Certificate("postgres.crt"), Path.Combine(tls, "server.crt"));
            File.Copy(Certificate("postgres.key"), Path.Combine(tls, "server.key"));
            File.SetUnixFileMode(Path.Combine(tls, "server.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            nodes.Add(($"n{n}", ports[1 + n], ports[4 + n], Path.Combine(root.Path, $"n{n}", "data")));
        }

        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "-R", "postgres:postgres", root.Path);
        }

        var (client, peer) = (ports[0], ports[1]);
        Start(root.Path, new Dictionary<string, string>(), "/usr/bin/etcd", "--name", "e1", "--data-dir", Path.Combine(root.Path, "etcd"),
            "--listen-client-urls", $"http://127.0.0.1:{client}", "--advertise-client-urls", $"http://127.0.0.1:{client}",
            "--listen-peer-urls", $"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peer}",
            "--initial-cluster", $"e1=http://127.0.0.1:{peer}", "--initial-cluster-state", "new", "--listen-metrics-urls", "");
        foreach (var (name, rest, postgres, data) in nodes)
        {
            Start(Path.GetDirectoryName(data)!, new Dictionary<string, string>
            {
                ["PATRONI_NAME"] = name,
                ["PATRONI_RESTAPI_LISTEN"] = $"127.0.0.1:{rest}",
                ["PATRONI_RESTAPI_CONNECT_ADDRESS"] = $"127.0.0.1:{rest}",
                ["PATRONI_POSTGRESQL_LISTEN"] = $"127.0.0.1:{postgres}",
                ["PATRONI_POSTGRESQL_CONNECT_ADDRESS"] = $"127.0.0.1:{postgres}",
                ["PATRONI_POSTGRESQL_DATA_DIR"] = data,
                ["PATRONI_POSTGRESQL_PGPASS"] = Path.Combine(Path.GetDirectoryName(data)!, "pgpass"),
                ["PATRONI_ETCD3_HOSTS"] = $"127.0.0.1:{client}",
                ["PATRONI_SUPERUSER_PASSWORD"] = Superuser,
                ["PATRONI_REPLICATION_PASSWORD"] = "image-replicator",
                ["PATRONI_REWIND_PASSWORD"] = "image-rewinder",
                // The authority the standbys and pg_rewind check the primary's certificate against: the node's own copy,
                // as in compose (patroni.yml names the container's path).
                ["PATRONI_REPLICATION_SSLROOTCERT"] = Path.Combine(Path.GetDirectoryName(data)!, "tls", "ca.crt"),
                ["PATRONI_REWIND_SSLROOTCERT"] = Path.Combine(Path.GetDirectoryName(data)!, "tls", "ca.crt"),
                ["PGAIO_PASSWORD_FILE"] = ownerFile,
                ["PGAIO_SERVING_PASSWORD_FILE"] = servingFile,
            }, "/usr/bin/python3", "/usr/bin/patroni", conf);
        }
    }

    public async Task DisposeAsync()
    {
        // Throwaway data: kill -9 of Patroni with the postmaster it started (whose children follow it), and of etcd.
        // Exits are watched in /proc: the postmaster holds Patroni's output pipes, so their end is not awaited.
        var postmasters = nodes.Select(node => Path.Combine(node.DataDirectory, "postmaster.pid")).Where(File.Exists)
            .Select(file => int.Parse(File.ReadLines(file).First(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var (process, _) in processes)
        {
            process.Kill(entireProcessTree: true);
        }

        foreach (var pid in postmasters.Where(Processes.IsRunning))
        {
            try
            {
                using var postmaster = Process.GetProcessById(pid);
                postmaster.Kill();
            }
            catch (ArgumentException)
            {
                // Gone with Patroni's process tree meanwhile.
            }
        }

        foreach (var pid in processes.Select(p => p.Process.Id).Concat(postmasters))
        {
            await Processes.ExitedAsync(pid);
        }

        processes.ForEach(p => p.Process.Dispose());
    }

    /// <summary>After <see cref="DisposeAsync"/>, which needs the folder to find the postmasters.</summary>
    public void Dispose()
    {
        http.Dispose();
        root.Dispose();
    }

    [Fact]
    public async Task TheImagesConfig_ElectsAPrimary_ReplicatesSynchronously_AndLetsTheSilosAccountIn()
    {
        var leader = await WaitForAsync("/primary", exceptOn: null);
        var sync = await WaitForAsync("/sync", exceptOn: leader.Name);

        // The silos' connection string, with the three hosts and verified TLS: the write lands on the primary, as the
        // silo's writes do, over TLS with the certificate every node serves.
        var hosts = string.Join(',', nodes.Select(node => $"127.0.0.1:{node.PostgresPort}"));
        var verified = string.Join(',', nodes.Select(node => $"localhost:{node.PostgresPort}"));
        var silo = $"Host={verified};Username=pgaio;Password={SiloPassword};Database=pgaio;Target Session Attributes=primary;SSL Mode=VerifyFull;Root Certificate={Certificate("ca.crt")}";
        await using (var connection = new NpgsqlConnection(silo))
        {
            await connection.OpenAsync();
            Assert.Equal(leader.PostgresPort, await ScalarAsync<int>(connection, "SELECT inet_server_port()"));
            Assert.True(await ScalarAsync<bool>(connection, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
            Assert.Equal("on", await ScalarAsync<string>(connection, "SHOW data_checksums"));
            Assert.Equal(1L, await ScalarAsync<long>(connection, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'"));
            Assert.Equal(1L, await ScalarAsync<long>(connection, "SELECT count(*) FROM pg_extension WHERE extname = 'pgaudit'"));
            await using var write = new NpgsqlCommand("CREATE TABLE replicated (id int); INSERT INTO replicated VALUES (42)", connection);
            await write.ExecuteNonQueryAsync();
        }

        await using (var primary = new NpgsqlConnection($"Host=127.0.0.1;Port={leader.PostgresPort};Username=postgres;Password={Superuser};Database=postgres"))
        {
            await primary.OpenAsync();
            // pgaudit preloaded and auditing DDL and role changes, as in the compose PostgreSQL.
            Assert.Equal("pg_stat_statements,pgaudit", await ScalarAsync<string>(primary, "SHOW shared_preload_libraries"));
            Assert.Equal("ddl,role", await ScalarAsync<string>(primary, "SHOW pgaudit.log"));
            Assert.Equal(
                ["async streaming", "sync streaming"],
                (await RowsAsync(primary, "SELECT sync_state || ' ' || state FROM pg_stat_replication")).Order());
            Assert.Equal(sync.Name, await ScalarAsync<string>(primary, "SELECT application_name FROM pg_stat_replication WHERE sync_state = 'sync'"));

            // ssl=on, and both standbys stream over TLS (their sslmode=verify-ca took the primary's certificate).
            Assert.Equal("on", await ScalarAsync<string>(primary, "SHOW ssl"));
            Assert.Equal(2L, await ScalarAsync<long>(primary, "SELECT count(*) FROM pg_stat_replication r JOIN pg_stat_ssl s ON s.pid = r.pid WHERE s.ssl"));
        }

        // Plain TCP finds no pg_hba entry (hostssl only), whatever the password.
        await using (var plain = new NpgsqlConnection($"Host=127.0.0.1;Port={leader.PostgresPort};Username=pgaio;Password={SiloPassword};Database=pgaio;SSL Mode=Disable"))
        {
            var noTls = await Assert.ThrowsAsync<PostgresException>(() => plain.OpenAsync());
            Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, noTls.SqlState);
        }

        // The synchronous standby holds the acknowledged row, read-only.
        await using (var standby = new NpgsqlConnection($"Host=127.0.0.1;Port={sync.PostgresPort};Username=pgaio;Password={SiloPassword};Database=pgaio"))
        {
            await standby.OpenAsync();
            Assert.True(await ScalarAsync<bool>(standby, "SELECT pg_is_in_recovery()"));
            await Eventually.TrueAsync(async () => await ScalarAsync<long>(standby, "SELECT count(*) FROM replicated WHERE id = 42") == 1, "the row on the synchronous standby");
        }

        // The serving login, a member of the group the migrations grant to, owns nothing and may create nothing.
        await using (var serving = new NpgsqlConnection($"Host={hosts};Username=pgaio_app;Password={ServingPassword};Database=pgaio;Target Session Attributes=primary"))
        {
            await serving.OpenAsync();
            Assert.True(await ScalarAsync<bool>(serving, "SELECT pg_has_role('pgaio_serving', 'MEMBER')"));
            Assert.False(await ScalarAsync<bool>(serving, "SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user"));
            await using var create = new NpgsqlCommand("CREATE TABLE not_serving (id int)", serving);
            var denied = await Assert.ThrowsAsync<PostgresException>(() => create.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        }

        // Passwords, not trust, over the network. TLS required: with Prefer, Npgsql would try again in plain TCP after the
        // refused password, and report the missing pg_hba entry of that second attempt instead.
        await using var intruder = new NpgsqlConnection($"Host=127.0.0.1;Port={leader.PostgresPort};Username=pgaio;Password=wrong;Database=pgaio;SSL Mode=Require");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => intruder.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }

    /// <summary>Polls each node's Patroni REST endpoint (200 when the node has that role) until one answers 200.</summary>
    private async Task<(string Name, int RestPort, int PostgresPort, string DataDirectory)> WaitForAsync(string endpoint, string? exceptOn)
    {
        var deadline = DateTime.UtcNow + Startup;
        while (true)
        {
            foreach (var node in nodes.Where(node => node.Name != exceptOn))
            {
                try
                {
                    using var response = await http.GetAsync($"http://127.0.0.1:{node.RestPort}{endpoint}");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return node;
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet.
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"no node answered 200 on {endpoint} within {Startup}:\n{Logs()}");
            await Task.Delay(500);
        }
    }

    private string Certificate(string name) => Path.Combine(root.Path, "certificates", name);

    private string Logs() => string.Join("\n---\n", processes.Select(p => string.Join('\n', p.Output.ToString().Split('\n').TakeLast(15))));

    /// <summary>Starts a process as the postgres account (PostgreSQL refuses root); setpriv's PID is the process's own.</summary>
    private void Start(string home, Dictionary<string, string> environment, string program, params string[] arguments)
    {
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "/usr/bin/setpriv" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = home,
        };
        foreach (var argument in (asRoot ? ["--reuid=postgres", "--regid=postgres", "--init-groups", program] : Array.Empty<string>()).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = home;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var output = new StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        processes.Add((process, output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(program, arguments);
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(listener => listener.Start());
        var ports = listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port).ToArray();
        listeners.ForEach(listener => listener.Stop());
        return ports;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> RowsAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
