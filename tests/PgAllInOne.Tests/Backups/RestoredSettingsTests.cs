using PgAllInOne.Postgres.Backups;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Backups;

/// <summary>The settings a restored folder gets in its postgresql.auto.conf, from the backed-up server's configuration files.</summary>
public sealed class RestoredSettingsTests : IDisposable
{
    private readonly TempFolder cluster = new("pgaio-restored-settings");

    public RestoredSettingsTests() => Directory.CreateDirectory(cluster.Path);

    [Fact]
    public async Task APatroniNodesPaths_AreReplacedByTheFoldersOwn_AndItsSynchronousStandbyIsCleared()
    {
        await File.WriteAllLinesAsync(Path.Combine(cluster.Path, "postgresql.conf"),
        [
            "include 'postgresql.base.conf'",
            "port = '5433'",
            "synchronous_standby_names = 'n3'",
            "hba_file = '/var/lib/patroni/n1/data/pg_hba.conf'",
            "ident_file = '/var/lib/patroni/n1/data/pg_ident.conf'",
            "unix_socket_directories = '/var/lib/patroni/n1'",
        ]);
        await File.WriteAllTextAsync(Path.Combine(cluster.Path, "pg_hba.conf"), "host all all 127.0.0.1/32 trust\n");
        await File.WriteAllTextAsync(Path.Combine(cluster.Path, "pg_ident.conf"), "");

        var lines = await RestoredSettings.ForAsync(cluster.Path, ["wal_log_hints = 'on'", "synchronous_standby_names = 'pgaio_backup'"], CancellationToken.None);

        Assert.Equal(
        [
            "wal_log_hints = 'on'",
            "synchronous_standby_names = ''",
            $"hba_file = '{Path.Combine(cluster.Path, "pg_hba.conf")}'",
            $"ident_file = '{Path.Combine(cluster.Path, "pg_ident.conf")}'",
            $"unix_socket_directories = '{Path.GetTempPath().TrimEnd('/')}'",
        ], lines);
    }

    [Fact]
    public async Task AnEmbeddedServersSettings_AreKept_ButItsSynchronousStandby()
    {
        // initdb's postgresql.conf names none of the paths (its lines are commented out).
        await File.WriteAllLinesAsync(Path.Combine(cluster.Path, "postgresql.conf"), ["#hba_file = 'ConfigDir/pg_hba.conf'", "#unix_socket_directories = '/var/run/postgresql'", "max_connections = 100"]);

        var lines = await RestoredSettings.ForAsync(cluster.Path, ["shared_preload_libraries = 'pg_stat_statements'", "synchronous_standby_names = 'pgaio_backup'"], CancellationToken.None);

        Assert.Equal(["shared_preload_libraries = 'pg_stat_statements'", "synchronous_standby_names = ''"], lines);
    }

    public void Dispose() => cluster.Dispose();
}
