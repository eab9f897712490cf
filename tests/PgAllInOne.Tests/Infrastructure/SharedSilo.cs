namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// A silo on a database of its own, started once for the tests of one class (<c>IClassFixture&lt;SharedSilo&gt;</c>), for
/// tests that need no isolation from each other: each works on keys of its own and asserts on its own rows. A test
/// that stops the silo, moves a clock or needs empty tables derives from <see cref="SiloTest"/> instead.
/// </summary>
public class SharedSilo : IAsyncLifetime
{
    public string Database { get; private set; } = "";

    public TestSilo Silo { get; private set; } = null!;

    /// <summary>The data features' clock; null is the system's.</summary>
    protected virtual TimeProvider? Clock => null;

    public async Task InitializeAsync()
    {
        Database = await (await PostgresServer.InstanceAsync()).CreateDatabaseAsync();
        // The two roles of a production silo: everything the tests exercise runs on the serving role's rights.
        var roles = PostgresServer.TwoRoles(Database);
        Silo = await TestSilo.StartAsync(roles["ConnectionStrings:Postgres"]!, roles, clock: Clock);
    }

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}
