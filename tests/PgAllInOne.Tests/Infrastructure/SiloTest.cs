namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// A test class whose every test has its own database and a silo on it, started before the test and stopped after: for
/// tests that stop the silo, move its clock or need empty tables. Other tests share one silo per class (<see cref="SharedSilo"/>).
/// </summary>
public abstract class SiloTest(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    protected string Database { get; private set; } = "";

    protected TestSilo Silo { get; set; } = null!;

    /// <summary>The data features' clock; null is the system's.</summary>
    protected virtual TimeProvider? Clock => null;

    public async Task InitializeAsync()
    {
        Database = await postgres.CreateDatabaseAsync();
        Silo = await TestSilo.StartAsync(Database, clock: Clock);
    }

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}
