using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.Postgres;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL for the whole test run, started on first use by the same embedded bootstrap the silo uses, in a
/// throwaway folder, and stopped when the run ends (<see cref="TestRun"/>: xUnit v2 has no assembly fixture). Its template database
/// holds every migration, applied once per run; test databases are copies of it (<c>CREATE DATABASE … TEMPLATE</c>), so
/// a silo's own migration run finds nothing to do.
/// </summary>
public sealed class PostgresServer
{
    private const string MigratedTemplate = "migrated_template";

    /// <summary>The run's serving login: no superuser, a member of pgaio_serving (the rights the migrations grant).</summary>
    public const string ServingLogin = "pgaio_test_serving";

    private static readonly string ServingPassword = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    // Started off the test's synchronization context: xUnit's has as many threads as tests run at once, all of them may wait here.
    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => Task.Run(StartAsync));

    // CREATE DATABASE … TEMPLATE refuses while another session is connected to the template: one copy at a time.
    private static readonly SemaphoreSlim Creating = new(1, 1);

    private readonly string root;
    private readonly EmbeddedPostgres server;

    private PostgresServer(string root, EmbeddedPostgres server) => (this.root, this.server) = (root, server);

    public static Task<PostgresServer> InstanceAsync() => Shared.Value;

    public string ConnectionString => server.ConnectionString;

    /// <summary>The connection string of <paramref name="database"/> (an owner's, as the Create methods return) for the serving login.</summary>
    public static string Serving(string database) =>
        new NpgsqlConnectionStringBuilder(database) { Username = ServingLogin, Password = ServingPassword }.ConnectionString;

    /// <summary>Settings of a silo on two roles: <paramref name="database"/> the owner's (admin), its serving login's for serving.</summary>
    public static Dictionary<string, string?> TwoRoles(string database) => new()
    {
        ["ConnectionStrings:PostgresAdmin"] = database,
        ["ConnectionStrings:Postgres"] = Serving(database),
    };

    /// <summary>Creates a database with every migration applied (a copy of the run's migrated template) and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync() => CreateAsync(MigratedTemplate);

    /// <summary>Creates an empty database, for what must start before any migration, and returns its connection string.</summary>
    public Task<string> CreateEmptyDatabaseAsync() => CreateAsync(template: null);

    private async Task<string> CreateAsync(string? template)
    {
        var name = $"test_{Guid.NewGuid():N}";
        await Creating.WaitAsync();
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand(template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}", connection);
            await create.ExecuteNonQueryAsync();
        }
        finally
        {
            Creating.Release();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), $"pgaio-tests-{Guid.NewGuid():N}");
        var server = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions
            {
                DataDirectory = root,
                Settings = new Dictionary<string, string>
                {
                    // Throwaway data: skip the disk flushes, keep every other behaviour.
                    ["fsync"] = "off",
                    ["full_page_writes"] = "off",
                    ["max_connections"] = "500",
                },
            },
            NullLogger.Instance);
        var shared = new PostgresServer(root, server);

        var template = await shared.CreateEmptyDatabaseAsync();
        await using (var dataSource = NpgsqlDataSource.Create(template))
        {
            await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync();
        }

        // Disposing the data source closed its connections: the template has no session left, and is renamed to say what it is.
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var rename = new NpgsqlCommand($"ALTER DATABASE {new NpgsqlConnectionStringBuilder(template).Database} RENAME TO {MigratedTemplate}", connection);
        await rename.ExecuteNonQueryAsync();

        // One serving login for the run, already a member: silos starting at once then never grant it concurrently.
        await using var login = new NpgsqlCommand($"CREATE ROLE {ServingLogin} LOGIN PASSWORD '{ServingPassword}' IN ROLE pgaio_serving", connection);
        await login.ExecuteNonQueryAsync();
        return shared;
    }

    /// <summary>Stops the server, if this run started it, and removes its folder.</summary>
    public static async Task StopAsync()
    {
        if (Shared.IsValueCreated)
        {
            await (await Shared.Value).StopServerAsync();
        }
    }

    private async Task StopServerAsync()
    {
        await server.DisposeAsync();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the server is what must not be left behind.
        }
    }
}
