namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// Tests that measure time (latencies, recovery within a bound), kill or stop processes and servers, or listen to what
/// the whole process emits (traces, group-commit meters): they run one after another, with no other test beside them.
/// Every other class is a collection of its own and runs in parallel with the rest.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAloneCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "runs alone";
}
