using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;
using static PgAllInOne.Tests.Deployment.DeploymentFiles;

namespace PgAllInOne.Tests.Deployment;

/// <summary>
/// The compose PostgreSQL's pgaudit settings on a real server (this machine's PostgreSQL 15 with postgresql-15-pgaudit):
/// DDL and role changes reach the server log, row reads and writes do not, and the init script that creates the serving
/// login leaves its password out of the log.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ComposePgauditTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder folder = new("pgaio-pgaudit");
    private EmbeddedPostgres server = null!;

    public async Task InitializeAsync()
    {
        var command = Compose().Text("services", "postgres", "command")!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var settings = new Dictionary<string, string>();
        for (var i = 0; i + 1 < command.Length; i++)
        {
            if (command[i] == "-c" && command[i + 1].Split('=', 2) is [var name, var value] && (name.StartsWith("pgaudit", StringComparison.Ordinal) || name == "shared_preload_libraries"))
            {
                settings[name] = value;
            }
        }

        Assert.Equal(3, settings.Count);
        server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = folder.Path, Settings = settings }, NullLogger.Instance);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task DdlAndRoleChanges_AreAudited_RowsAreNot_AndTheServingPasswordNeverReachesTheLog()
    {
        await using (var dataSource = NpgsqlDataSource.Create(server.ConnectionString))
        {
            var statements = string.Join('\n', Read("docker/postgres/init.sql").Split('\n').Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal)));
            foreach (var sql in statements.Split(';').Where(s => s.Contains("CREATE", StringComparison.Ordinal)))
            {
                await dataSource.CreateCommand(sql.Trim()).ExecuteNonQueryAsync();
            }

            var servingPassword = $"serving-{Guid.NewGuid():N}";
            var passwordFile = Path.Combine(folder.Path, "serving-password");
            await File.WriteAllTextAsync(passwordFile, servingPassword);
            // The embedded bootstrap made its own serving login; a compose volume starts without one.
            await dataSource.CreateCommand("DROP ROLE pgaio_app").ExecuteNonQueryAsync();
            await RunInitRolesAsync(passwordFile);

            foreach (var sql in new[] { "CREATE TABLE audited_table (x int)", "ALTER TABLE audited_table ADD COLUMN y int", "INSERT INTO audited_table VALUES (424242, 1)", "SELECT * FROM audited_table", "CREATE ROLE audited_role NOLOGIN", "GRANT pgaio_serving TO audited_role" })
            {
                await dataSource.CreateCommand(sql).ExecuteNonQueryAsync();
            }

            await using var serving = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = "pgaio_app", Password = servingPassword }.ConnectionString);
            Assert.Equal(1, await serving.CreateCommand("SELECT 1").ExecuteScalarAsync());

            var log = await ServerLogAsync();
            Assert.Contains("AUDIT: SESSION,", log, StringComparison.Ordinal);
            Assert.Contains("DDL,CREATE TABLE", log, StringComparison.Ordinal);
            Assert.Contains("DDL,ALTER TABLE", log, StringComparison.Ordinal);
            Assert.Contains("ROLE,CREATE ROLE,,,CREATE ROLE audited_role", log, StringComparison.Ordinal);
            Assert.Contains("ROLE,GRANT", log, StringComparison.Ordinal);
            Assert.DoesNotContain("424242", log, StringComparison.Ordinal);
            Assert.DoesNotContain(servingPassword, log, StringComparison.Ordinal);
        }
    }

    private async Task RunInitRolesAsync(string passwordFile)
    {
        var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        var start = new ProcessStartInfo("sh", [FullPath("docker/postgres/init-roles.sh")]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["POSTGRES_USER"] = connection.Username;
        start.Environment["POSTGRES_DB"] = connection.Database;
        start.Environment["PGHOST"] = connection.Host;
        start.Environment["PGPORT"] = connection.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGPASSWORD"] = connection.Password;
        start.Environment["PGAIO_SERVING_PASSWORD_FILE"] = passwordFile;
        using var script = Process.Start(start)!;
        var errors = script.StandardError.ReadToEndAsync();
        await script.StandardOutput.ReadToEndAsync();
        await script.WaitForExitAsync();
        Assert.True(script.ExitCode == 0, await errors);
    }

    private async Task<string> ServerLogAsync()
    {
        var log = Path.Combine(server.ClusterDirectory, "server.log");
        await Eventually.TrueAsync(async () => (await File.ReadAllTextAsync(log)).Contains("GRANT pgaio_serving TO audited_role", StringComparison.Ordinal), "the last statement in the server log");
        return await File.ReadAllTextAsync(log);
    }
}
