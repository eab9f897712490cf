using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Cluster;
using PgAllInOne.Tests.HighAvailability;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Backups;

/// <summary>
/// The restore drill on the highly available cluster: a silo given the three Patroni hosts and <c>Backup:Directory</c>
/// takes its base backup from the primary and streams the primary's WAL; acknowledged writes, a time T, more writes; then
/// pgaio restore builds plain data folders from the backup directory alone: to T they hold exactly the writes
/// acknowledged before it, with --latest every one. The restored folder starts as a PostgreSQL server of its own, with
/// none of the cluster's replication settings left to wait for.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(PatroniCollection.Name)]
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class PatroniRestoreDrillTests(PatroniSilos cluster, ITestOutputHelper output) : IDisposable
{
    // A backup of a server that is not a silo's embedded one restores into a folder for PostgreSQL itself.
    private const string ServeWith = "start PostgreSQL on it with pg_ctl -D ";

    private readonly TempFolder root = new("pgaio-patroni-drill");

    [Fact]
    public async Task ABackupOfThePatroniPrimary_RestoresExactlyTheWritesAcknowledgedBeforeItsTarget_AndEveryOneWithLatest()
    {
        await cluster.HealthyAsync();
        var backups = Path.Combine(root.Path, "backups");
        Written before, after;
        DateTimeOffset t;
        using (var silo = SiloProcess.Start(cluster.ConnectionString, "Warning", $"--Backup:Directory={backups}"))
        {
            await silo.WaitUntilReadyAsync();
            using var http = silo.Http(cluster.AdminKey);
            await Eventually.TrueAsync(async () => (await http.GetFromJsonAsync<JsonElement>("/api/backups")).GetProperty("backups").EnumerateArray().Any(b => b.GetProperty("verified").GetBoolean()), "a verified base backup of the primary", TimeSpan.FromSeconds(60));

            before = await DrillWrites.WriteAsync(http, "before");
            t = DateTimeOffset.UtcNow;
            await Task.Delay(50);
            after = await DrillWrites.WriteAsync(http, "after");

            // Backup:Synchronous stays off on Patroni (it owns synchronous_standby_names): the drill waits for the receiver to have the last write.
            try
            {
                await WalReceivedAsync();
            }
            finally
            {
                output.WriteLine(string.Join('\n', silo.Output.TakeLast(40)));
                await using var primary = NpgsqlDataSource.Create(PatroniCluster.To(await cluster.LeaderAsync()));
                await using var replication = primary.CreateCommand("SELECT string_agg(application_name || ' ' || state || ' ' || coalesce(write_lsn::text, '-'), '; ') || ' now ' || pg_current_wal_lsn() FROM pg_stat_replication");
                output.WriteLine($"pg_stat_replication: {await replication.ExecuteScalarAsync()}");
            }

            // It leaves the cluster as a silo does on SIGTERM, so that no grain of the tests after it waits for it to be declared dead.
            Assert.Equal(0, await silo.TerminateAsync());
        }

        output.WriteLine($"acknowledged before T: {before}; after T: {after}");
        var toTime = await DrillWrites.RestoreAsync(backups, Path.Combine(root.Path, "to-time"), ServeWith, output, "--to-time", t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        Assert.Equal(before, await ReadAsync(toTime));

        var latest = await DrillWrites.RestoreAsync(backups, Path.Combine(root.Path, "latest"), ServeWith, output, "--latest");
        Assert.Equal(before + after, await ReadAsync(latest, write: true));
    }

    public void Dispose() => root.Dispose();

    // Until the backup's WAL receiver has written into the backup directory everything the primary has written so far (it flushes at the end of a segment only, asynchronous).
    private async Task WalReceivedAsync()
    {
        await using var primary = NpgsqlDataSource.Create(PatroniCluster.To(await cluster.LeaderAsync()));
        await using var now = primary.CreateCommand("SELECT pg_current_wal_lsn()::text");
        var written = (string)(await now.ExecuteScalarAsync())!;
        await Eventually.TrueAsync(
            async () =>
            {
                await using var flushed = primary.CreateCommand("SELECT coalesce(bool_or(write_lsn >= $1::pg_lsn), false) FROM pg_stat_replication WHERE application_name = $2");
                flushed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = written });
                flushed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "pgaio_backup" });
                return (bool)(await flushed.ExecuteScalarAsync())!;
            },
            "the backup's WAL receiver to have written the last write into the backup directory",
            TimeSpan.FromSeconds(20));
    }

    // The restored folder started as PostgreSQL starts any data folder (as its service account), then the drill's rows read
    // from it; with write, a row is also written, which a setting left behind from the cluster (a synchronous standby that
    // is not there) would hold forever.
    private static async Task<Written> ReadAsync(string restored, bool write = false)
    {
        var folder = Path.Combine(restored, "postgres"); // the cluster's folder within the restored data folder
        var port = Ports.Free();
        await PgCtlAsync("-D", folder, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "-o", $"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories=''", "start");
        try
        {
            await using var source = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Username=postgres;Password=postgres;Database={PatroniCluster.Database};Pooling=false;Command Timeout=10");
            var written = await DrillWrites.ReadAsync(source);

            // Nothing of the Patroni node's own setup is left: no synchronous standby to wait for, its own hba file.
            Assert.Equal("", await ShowAsync(source, "synchronous_standby_names"));
            Assert.Equal(Path.Combine(folder, "pg_hba.conf"), await ShowAsync(source, "hba_file"));
            if (write)
            {
                await using var insert = source.CreateCommand("INSERT INTO records (id, data) VALUES ('restored-write', '{}')");
                Assert.Equal(1, await insert.ExecuteNonQueryAsync());
            }

            return written;
        }
        finally
        {
            await PgCtlAsync("-D", folder, "-m", "fast", "-w", "stop");
        }
    }

    private static async Task<string> ShowAsync(NpgsqlDataSource source, string setting)
    {
        await using var show = source.CreateCommand($"SHOW {setting}");
        return (string)(await show.ExecuteScalarAsync())!;
    }

    private static async Task PgCtlAsync(params string[] arguments)
    {
        var pgCtl = Path.Combine(EmbeddedPostgres.FindBinDirectory()!, "pg_ctl");
        using var process = Process.Start(new ProcessStartInfo("runuser", ["-u", "postgres", "--", pgCtl, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_ctl {string.Join(' ', arguments)}: exit {process.ExitCode}\n{text}");
    }
}
