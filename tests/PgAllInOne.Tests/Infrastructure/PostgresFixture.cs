using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.Postgres;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL for the test run, started by the same embedded bootstrap the silo uses, in a throwaway folder.
/// Each test class gets its own database so that classes never see each other's rows.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"pgaio-tests-{Guid.NewGuid():N}");
    private EmbeddedPostgres? server;

    public string ServerConnectionString => server?.ConnectionString ?? throw new InvalidOperationException("PostgreSQL is not started.");

    public async Task InitializeAsync()
    {
        server = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions
            {
                DataDirectory = root,
                Settings = new Dictionary<string, string>
                {
                    // Throwaway data: skip the disk flushes, keep every other behaviour.
                    ["fsync"] = "off",
                    ["full_page_writes"] = "off",
                    ["max_connections"] = "300",
                },
            },
            NullLogger.Instance);
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

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

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
