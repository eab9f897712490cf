using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.Postgres;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// A real highly available PostgreSQL 15 for one test class: etcd and three Patroni nodes on loopback, run as the postgres
/// account (PostgreSQL refuses root; setpriv keeps the real process id, which a backgrounded runuser does not), in a
/// throwaway folder. Synchronous replication (<c>synchronous_mode</c>, or <c>synchronous_mode_strict</c> when asked),
/// <c>failsafe_mode</c> (a primary that loses etcd but still reaches every other node stays primary), pg_rewind for a
/// node that comes back. The database <c>pgaio</c> holds every migration. Free of the test framework (a fixture derives
/// from it): the benchmarks link this file to measure on the same cluster.
/// </summary>
public class PatroniCluster
{
    public const string Database = "pgaio";

    private readonly string root = Path.Combine(Path.GetTempPath(), $"pgaio-patroni-{Guid.NewGuid():N}");
    private readonly bool strict;
    private readonly bool fsync;
    private Process? etcd;
    private int etcdPort;

    public PatroniCluster()
        : this(strict: false)
    {
    }

    protected PatroniCluster(bool strict)
        : this(strict, fsync: false)
    {
    }

    /// <param name="strict"><c>synchronous_mode_strict</c> rather than plain <c>synchronous_mode</c>.</param>
    /// <param name="fsync">
    /// PostgreSQL's <c>fsync</c> on every node, as in production; off by default (the tests lose nothing they need by
    /// it, and commits then cost what replication adds, not the disk).
    /// </param>
    public PatroniCluster(bool strict, bool fsync) => (this.strict, this.fsync) = (strict, fsync);

    /// <summary>
    /// How often the cluster's state is asked while waiting for it: each round asks every node's REST API and opens
    /// connections, which on a small machine slows the very Patroni and PostgreSQL being waited for.
    /// </summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public IReadOnlyList<PatroniNode> Nodes { get; private set; } = [];

    /// <summary>The three hosts in one connection string, as an operator gives them to the silos.</summary>
    public string ConnectionString => $"Host={string.Join(',', Nodes.Select(n => n.Host))};Username=postgres;Password=postgres;Database={Database}";

    /// <summary>How long the cluster took to start from nothing (leader and synchronous standby).</summary>
    public TimeSpan StartTime { get; private set; }

    /// <summary>A connection string to one node alone.</summary>
    public static string To(PatroniNode node, string database = Database) => $"Host=127.0.0.1;Port={node.PostgresPort};Username=postgres;Password=postgres;Database={database};Pooling=false";

    public virtual async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        Directory.CreateDirectory(root);
        etcdPort = FreePort();
        var peerPort = FreePort();
        Nodes = [.. Enumerable.Range(1, 3).Select(Node)];
        Chown(root);
        etcd = StartAsPostgres(root, "etcd.log", "/usr/bin/etcd", "--name", "e1", "--data-dir", Path.Combine(root, "etcd"),
            "--listen-client-urls", $"http://127.0.0.1:{etcdPort}", "--advertise-client-urls", $"http://127.0.0.1:{etcdPort}",
            "--listen-peer-urls", $"http://127.0.0.1:{peerPort}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peerPort}",
            "--initial-cluster", $"e1=http://127.0.0.1:{peerPort}", "--initial-cluster-state", "new", "--listen-metrics-urls", "");
        foreach (var node in Nodes)
        {
            node.Start();
        }

        await HealthyAsync(TimeSpan.FromSeconds(90));
        StartTime = watch.Elapsed;

        var leader = await LeaderAsync();
        await using (var connection = new NpgsqlConnection(To(leader, "postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
            await create.ExecuteNonQueryAsync();
        }

        await using var dataSource = NpgsqlDataSource.Create(To(leader));
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync();
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            node.KillNine();
        }

        if (etcd is { HasExited: false })
        {
            etcd.Kill();
            await etcd.WaitForExitAsync();
        }

        etcd?.Dispose();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the processes are what must not be left behind.
        }
    }

    /// <summary>The node that is the leader now (Patroni's REST /primary answers 200).</summary>
    public async Task<PatroniNode> LeaderAsync()
    {
        PatroniNode? leader = null;
        await Eventually.TrueAsync(
            async () =>
            {
                foreach (var node in Nodes)
                {
                    if (await node.AnswersAsync("/primary"))
                    {
                        leader = node;
                        return true;
                    }
                }

                return false;
            },
            "a Patroni leader",
            TimeSpan.FromSeconds(60),
            PollInterval);
        return leader!;
    }

    /// <summary>The synchronous standby now (Patroni's REST /sync answers 200).</summary>
    public async Task<PatroniNode> SyncStandbyAsync()
    {
        PatroniNode? sync = null;
        await Eventually.TrueAsync(
            async () =>
            {
                foreach (var node in Nodes)
                {
                    if (await node.AnswersAsync("/sync"))
                    {
                        sync = node;
                        return true;
                    }
                }

                return false;
            },
            "a synchronous standby",
            TimeSpan.FromSeconds(30),
            PollInterval);
        return sync!;
    }

    /// <summary>
    /// Starts any node that is not running and waits until there is a leader, every other node streams from it, and one
    /// of them is its synchronous standby: what each scenario starts from, whatever the one before left.
    /// </summary>
    public async Task HealthyAsync(TimeSpan? within = null)
    {
        foreach (var node in Nodes.Where(n => !n.IsRunning))
        {
            node.Start();
        }

        await Eventually.TrueAsync(
            async () =>
            {
                var primaries = 0;
                var replicas = 0;
                var sync = 0;
                foreach (var node in Nodes)
                {
                    primaries += await node.AnswersAsync("/primary") ? 1 : 0;
                    replicas += await node.AnswersAsync("/replica?lag=1MB") ? 1 : 0;
                    sync += await node.AnswersAsync("/sync") ? 1 : 0;
                }

                return primaries == 1 && replicas == 2 && sync == 1 && await StreamingAsync() == 2;
            },
            "the Patroni cluster to be healthy (a leader, two streaming replicas, one synchronous)",
            within ?? TimeSpan.FromSeconds(60),
            PollInterval);
    }

    /// <summary>A planned switchover to <paramref name="candidate"/>, through Patroni's REST API.</summary>
    public static async Task SwitchoverAsync(PatroniNode leader, PatroniNode candidate)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{leader.RestPort}"), Timeout = TimeSpan.FromSeconds(30) };
        // Patroni's REST server wants a Content-Length: the body is sent whole, not chunked.
        using var body = new StringContent(JsonSerializer.Serialize(new { leader = leader.Name, candidate = candidate.Name }), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/switchover", body);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Patroni refused the switchover: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>
    /// True when <paramref name="node"/> commits a transaction that writes, replicated as the silos' are (its commit waits
    /// for the synchronous standby), within a second.
    /// </summary>
    public static async Task<bool> TakesWritesAsync(PatroniNode node)
    {
        try
        {
            // Pooled: probed every 50 ms, a new backend each time would cost the machine more than the probe measures.
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(To(node, "postgres")) { Timeout = 1, CommandTimeout = 1, Pooling = true }.ConnectionString);
            // A commit still waiting for the synchronous standby when the timeout cancels it is kept locally and answered
            // as a success, with this warning: not a replicated write.
            var unreplicated = false;
            connection.Notice += (_, e) => unreplicated |= e.Notice.MessageText.Contains("synchronous replication", StringComparison.Ordinal);
            await connection.OpenAsync();
            // A transactional message is written to the WAL, so that its commit waits for the synchronous standby; a
            // transaction that wrote none (txid_current() alone) commits without waiting for any standby.
            await using var command = new NpgsqlCommand("SELECT pg_logical_emit_message(true, 'pgaio-probe', '')", connection);
            await command.ExecuteScalarAsync();
            return !unreplicated;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or IOException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Patroni's maintenance mode: it neither fails over nor touches PostgreSQL (it otherwise resumes a standby's paused
    /// replay within a loop).
    /// </summary>
    public async Task SetMaintenanceAsync(bool on)
    {
        var leader = await LeaderAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var body = new StringContent(on ? """{"pause":true}""" : """{"pause":false}""", Encoding.UTF8, "application/json");
        using var response = await http.PatchAsync(new Uri($"http://127.0.0.1:{leader.RestPort}/config"), body);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Patroni's <c>synchronous_mode</c> switched in its configuration (off: commits wait for no standby, the standbys
    /// still stream); returns once the leader's <c>synchronous_standby_names</c> shows it.
    /// </summary>
    public async Task SetSynchronousModeAsync(bool on)
    {
        var leader = await LeaderAsync();
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            using var body = new StringContent(on ? """{"synchronous_mode":true}""" : """{"synchronous_mode":false}""", Encoding.UTF8, "application/json");
            using var response = await http.PatchAsync(new Uri($"http://127.0.0.1:{leader.RestPort}/config"), body);
            response.EnsureSuccessStatusCode();
        }

        await Eventually.TrueAsync(
            async () =>
            {
                await using var connection = new NpgsqlConnection(To(leader, "postgres"));
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SHOW synchronous_standby_names", connection);
                return ((string)(await command.ExecuteScalarAsync())!).Length > 0 == on;
            },
            $"synchronous replication {(on ? "on" : "off")}",
            TimeSpan.FromSeconds(30),
            PollInterval);
    }

    /// <summary>SIGSTOP to etcd: it neither answers nor fails, as a hung or cut-off etcd.</summary>
    public void FreezeEtcd() => PatroniNode.Signal("STOP", etcd!.Id);

    public void ThawEtcd() => PatroniNode.Signal("CONT", etcd!.Id);

    /// <summary>
    /// Starts <paramref name="program"/> as the postgres account with its output appended to <paramref name="logName"/> in
    /// <paramref name="workFolder"/>; the process id is the program's own (setpriv and sh exec it).
    /// </summary>
    internal static Process StartAsPostgres(string workFolder, string logName, string program, params string[] arguments)
    {
        var log = Path.Combine(workFolder, logName);
        var start = new ProcessStartInfo("setpriv") { UseShellExecute = false, WorkingDirectory = workFolder };
        foreach (var argument in (string[])["--reuid=postgres", "--regid=postgres", "--init-groups", "/bin/sh", "-c", $"exec \"$0\" \"$@\" >>'{log}' 2>&1", program, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = workFolder;
        start.Environment["PATH"] = "/usr/bin:/bin";
        return Process.Start(start)!;
    }

    private static void Chown(string path)
    {
        using var chown = Process.Start("chown", ["-R", "postgres:postgres", path]);
        chown.WaitForExit();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Streaming replicas as the leader sees them (pg_stat_replication).
    private async Task<int> StreamingAsync()
    {
        foreach (var node in Nodes)
        {
            try
            {
                await using var connection = new NpgsqlConnection(To(node, "postgres") + ";Timeout=2");
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT CASE WHEN pg_is_in_recovery() THEN -1 ELSE (SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming')::int END", connection);
                var streaming = (int)(await command.ExecuteScalarAsync())!;
                if (streaming >= 0)
                {
                    return streaming;
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or IOException)
            {
                // that node is down or starting; the others are asked
            }
        }

        return 0;
    }

    private PatroniNode Node(int i)
    {
        var name = $"n{i}";
        var nodeFolder = Path.Combine(root, name);
        Directory.CreateDirectory(nodeFolder);
        var (rest, postgres) = (FreePort(), FreePort());
        var config = Path.Combine(nodeFolder, "patroni.yml");
        File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture, $$"""
            scope: pgaio
            namespace: /service/
            name: {{name}}
            restapi: {listen: "127.0.0.1:{{rest}}", connect_address: "127.0.0.1:{{rest}}"}
            etcd3: {hosts: "127.0.0.1:{{etcdPort}}"}
            bootstrap:
              dcs:
                ttl: 10
                loop_wait: 2
                retry_timeout: 3
                maximum_lag_on_failover: 1048576
                synchronous_mode: true
                synchronous_mode_strict: {{(strict ? "true" : "false")}}
                failsafe_mode: true
                postgresql:
                  use_pg_rewind: true
                  use_slots: true
                  parameters: {wal_level: replica, hot_standby: "on", wal_log_hints: "on", max_wal_senders: 10, max_replication_slots: 10, wal_keep_size: 64MB, max_connections: 200}
              initdb: [{encoding: UTF8}, {locale: C.UTF-8}]
            postgresql:
              listen: "127.0.0.1:{{postgres}}"
              connect_address: "127.0.0.1:{{postgres}}"
              data_dir: {{nodeFolder}}/data
              bin_dir: /usr/lib/postgresql/15/bin
              pgpass: {{nodeFolder}}/pgpass
              authentication:
                superuser: {username: postgres, password: postgres}
                replication: {username: replicator, password: rep}
                rewind: {username: rewinder, password: rew}
              parameters: {unix_socket_directories: "{{nodeFolder}}", shared_buffers: 16MB, fsync: "{{(fsync ? "on" : "off")}}"}
              pg_hba: [local all all trust, host all all 127.0.0.1/32 trust, host replication all 127.0.0.1/32 trust]
            """));
        return new PatroniNode(name, nodeFolder, rest, postgres, config);
    }
}
