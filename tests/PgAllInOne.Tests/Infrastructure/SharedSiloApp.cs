namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// The real silo host (<see cref="SiloApp"/>) on a database of its own, started once for the tests of one class
/// (<c>IClassFixture&lt;SharedSiloApp&gt;</c>), for tests that need no isolation from each other.
/// </summary>
public class SharedSiloApp : IAsyncLifetime
{
    public string Database { get; private set; } = "";

    public SiloApp App { get; private set; } = null!;

    /// <summary>Settings for the silo, beyond the connection string.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        Database = await (await PostgresServer.InstanceAsync()).CreateDatabaseAsync();
        App = await SiloApp.StartAsync(Database, Settings);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
