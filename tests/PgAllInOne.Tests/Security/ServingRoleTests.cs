using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Security;

/// <summary>
/// The serving role (pgaio_serving, granted to the login of ConnectionStrings:Postgres) on a database migrated from
/// scratch by its owner: no DDL of any kind, no TRUNCATE, no change to the audit trail, only the DML each table needs.
/// That every feature works on these rights is shown by the shared test silos, which all run on the two roles.
/// </summary>
public sealed class ServingRoleTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task TheServingRole_CannotDropAlterCreateOrTruncateAnything_NorChangeTheAuditTrail()
    {
        var owner = await MigratedFromScratchAsync();
        await using var serving = NpgsqlDataSource.Create(PostgresServer.Serving(owner));
        var tables = await TablesAsync(owner);
        Assert.Contains("audit_log", tables);
        Assert.Contains("orleans_membership", tables);

        var refused = new List<string>();
        foreach (var table in tables)
        {
            refused.Add($"DROP TABLE {table}");
            refused.Add($"ALTER TABLE {table} ADD COLUMN intruder int");
            refused.Add($"TRUNCATE {table}");
            refused.Add($"CREATE INDEX intruder ON {table} ((1))");
            refused.Add($"CREATE TRIGGER intruder BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()");
        }

        refused.AddRange(
        [
            "CREATE TABLE intruder (x int)",
            "CREATE TEMP TABLE intruder (x int)",
            "CREATE VIEW intruder AS SELECT 1",
            "CREATE SCHEMA intruder",
            "CREATE FUNCTION intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'",
            "CREATE SEQUENCE intruder",
            "CREATE ROLE intruder",
            "DROP FUNCTION pgaio_search_query(text)",
            "DROP SEQUENCE events_id_seq",
            "ALTER SEQUENCE events_id_seq RESTART",
            "DROP SCHEMA public CASCADE",
            "ALTER ROLE pgaio_serving SUPERUSER",
            "GRANT pgaio_serving TO pgaio_test_serving WITH ADMIN OPTION",
            "UPDATE audit_log SET action = 'forged'",
            "DELETE FROM audit_log",
            "DELETE FROM schema_migrations",
            "DELETE FROM api_keys",
            "DELETE FROM users",
            "DELETE FROM events",
            "UPDATE events SET type = 'forged'",
            "DELETE FROM metrics",
            "DELETE FROM metrics_compact",
            "INSERT INTO metrics_compact (hour, device_id, metric, times, vals) VALUES (now(), 'forged', 'temp', '{}', '{}')",
            "DELETE FROM orleansquery",
            "DELETE FROM events_default",
            "SELECT * FROM metrics_default",
        ]);

        var allowed = new List<string>();
        foreach (var statement in refused)
        {
            try
            {
                await using var command = serving.CreateCommand(statement);
                await command.ExecuteNonQueryAsync();
                allowed.Add(statement);
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InsufficientPrivilege)
            {
            }
        }

        Assert.Empty(allowed);
        Assert.True(refused.Count > 50, $"only {refused.Count} statements were tried");
    }

    [Fact]
    public async Task TheServingRole_AppendsToAndReadsTheAuditTrail_AndHasOnlyTheDmlEachTableNeeds()
    {
        var owner = await MigratedFromScratchAsync();
        await using (var serving = NpgsqlDataSource.Create(PostgresServer.Serving(owner)))
        await using (var connection = await serving.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await PgAllInOne.Postgres.Audit.AuditTrail.AppendAsync(connection, "record.deleted", "records/r1", new PgAllInOne.Postgres.Audit.AuditActor(7, "ingest", "127.0.0.1", "trace"));
            await transaction.CommitAsync();
        }

        await using var ownerSource = NpgsqlDataSource.Create(owner);
        await using (var count = ownerSource.CreateCommand("SELECT count(*) FROM audit_log WHERE target = 'records/r1' AND key_name = 'ingest'"))
        {
            Assert.Equal(1L, await count.ExecuteScalarAsync());
        }

        var grants = await GrantsAsync(ownerSource);
        foreach (var (table, privileges) in grants.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{table}: {privileges}");
        }

        Assert.Equal("INSERT, SELECT", grants["audit_log"]);
        Assert.DoesNotContain("events_default", grants.Keys);
        Assert.DoesNotContain("metrics_default", grants.Keys);
        Assert.Equal("SELECT", grants["schema_migrations"]);
        Assert.Equal("SELECT", grants["orleansquery"]);
        Assert.Equal("INSERT, SELECT", grants["events"]);
        Assert.Equal("INSERT, SELECT", grants["metrics"]);
        Assert.Equal("SELECT", grants["metrics_compact"]); // the maintenance job (the owner) writes compacted readings
        Assert.Equal("INSERT, SELECT, UPDATE", grants["api_keys"]);
        Assert.DoesNotContain(grants.Values, privileges => privileges.Contains("TRUNCATE", StringComparison.Ordinal) || privileges.Contains("TRIGGER", StringComparison.Ordinal) || privileges.Contains("REFERENCES", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AStartingSilo_GrantsTheServingRoleToItsLogin_WithTheAdminConnection()
    {
        var owner = await postgres.CreateDatabaseAsync();
        var login = $"pgaio_login_{Guid.NewGuid():N}"[..30];
        await using var ownerSource = NpgsqlDataSource.Create(owner);
        await using (var create = ownerSource.CreateCommand($"CREATE ROLE {login} LOGIN PASSWORD 'only-for-this-test'"))
        {
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            var serving = new NpgsqlConnectionStringBuilder(owner) { Username = login, Password = "only-for-this-test" }.ConnectionString;
            await using (var before = NpgsqlDataSource.Create(serving))
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(async () => await before.CreateCommand("SELECT count(*) FROM users").ExecuteScalarAsync());
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            }

            var options = Options.Create(new PostgresDatabaseOptions { ConnectionString = serving, AdminConnectionString = owner });
            await using (var database = new PostgresDatabase(options, NullLoggerFactory.Instance))
            {
                await database.StartAsync(CancellationToken.None);
                Assert.NotSame(database.DataSource, database.AdminDataSource);
                Assert.Equal(0L, await database.DataSource.CreateCommand("SELECT count(*) FROM users").ExecuteScalarAsync());
                var refused = await Assert.ThrowsAsync<PostgresException>(async () => await database.DataSource.CreateCommand("TRUNCATE users").ExecuteNonQueryAsync());
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var drop = ownerSource.CreateCommand($"DROP ROLE {login}");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task WithOnlyOneConnectionString_TheSiloUsesItForEverything()
    {
        var owner = await postgres.CreateDatabaseAsync();
        var options = Options.Create(new PostgresDatabaseOptions { ConnectionString = owner });
        await using var database = new PostgresDatabase(options, NullLoggerFactory.Instance);
        await database.StartAsync(CancellationToken.None);
        Assert.Same(database.DataSource, database.AdminDataSource);
    }

    private async Task<string> MigratedFromScratchAsync()
    {
        // Not a copy of the template: CREATE DATABASE … TEMPLATE does not copy database-level rights (TEMPORARY).
        var database = await postgres.CreateEmptyDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(database);
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync();
        return database;
    }

    private static async Task<List<string>> TablesAsync(string database)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var command = dataSource.CreateCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static async Task<Dictionary<string, string>> GrantsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT table_name, string_agg(privilege_type, ', ' ORDER BY privilege_type) FROM information_schema.role_table_grants " +
            "WHERE grantee = 'pgaio_serving' AND table_schema = 'public' GROUP BY table_name");
        await using var reader = await command.ExecuteReaderAsync();
        var grants = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            grants[reader.GetString(0)] = reader.GetString(1);
        }

        return grants;
    }
}
