using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.Postgres;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// A test class's way to the run's one PostgreSQL (<see cref="PostgresServer"/>): each test or class creates a database
/// of its own, so that classes running in parallel never see each other's rows.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer server = null!;

    public async Task InitializeAsync() => server = await PostgresServer.InstanceAsync();

    /// <inheritdoc cref="PostgresServer.CreateDatabaseAsync"/>
    public Task<string> CreateDatabaseAsync() => server.CreateDatabaseAsync();

    /// <summary>A database of its own with the product's migrations applied, and a data source on it (the caller's to dispose).</summary>
    public async Task<NpgsqlDataSource> CreateMigratedDataSourceAsync(int? maxPoolSize = null)
    {
        var connection = new NpgsqlConnectionStringBuilder(await CreateDatabaseAsync());
        connection.MaxPoolSize = maxPoolSize ?? connection.MaxPoolSize;
        var dataSource = NpgsqlDataSource.Create(connection.ConnectionString);
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync();
        return dataSource;
    }

    /// <inheritdoc cref="PostgresServer.CreateEmptyDatabaseAsync"/>
    public Task<string> CreateEmptyDatabaseAsync() => server.CreateEmptyDatabaseAsync();

    // The server outlives every class: it stops with the test process.
    public Task DisposeAsync() => Task.CompletedTask;
}
