using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.Postgres;

using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Postgres;

public sealed class EmbeddedPostgresTests : IDisposable
{
    private readonly TempFolder temp = new("pgaio-embedded");

    private string Folder => temp.Path;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task AMissingInstallation_GivesOneClearErrorSayingWhatToInstall()
    {
        var empty = Directory.CreateDirectory(Path.Combine(Folder, "no-binaries")).FullName;

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = Path.Combine(Folder, "data"), SearchPath = [empty] },
            NullLogger.Instance));

        Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Postgres", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheServer_RunsOnLoopback_KeepsItsDataAcrossRestarts_AndStopsCleanly()
    {
        var options = new EmbeddedPostgresOptions { DataDirectory = Folder };
        var server = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance);
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            Assert.Equal("127.0.0.1", connection.Host);
            await using var create = new NpgsqlCommand("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)", connection);
            await create.ExecuteNonQueryAsync();
        }

        var pidFile = Path.Combine(server.ClusterDirectory, "postmaster.pid");
        var pid = int.Parse(File.ReadLines(pidFile).First(), System.Globalization.CultureInfo.InvariantCulture);
        await server.DisposeAsync();

        Assert.False(File.Exists(pidFile));
        await Processes.ExitedAsync(pid);

        var again = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance);
        try
        {
            await using var connection = new NpgsqlConnection(again.ConnectionString);
            await connection.OpenAsync();
            await using var read = new NpgsqlCommand("SELECT v FROM kept", connection);
            Assert.Equal(42, await read.ExecuteScalarAsync());
        }
        finally
        {
            await again.DisposeAsync();
        }
    }
}
