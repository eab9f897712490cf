namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// Tests that measure time (latencies, recovery within a bound), kill or stop processes and servers, or listen to what
/// the whole process emits (traces, group-commit meters): they run one after another, with no other test of their
/// process beside them. Every other class is a collection of its own and runs in parallel with the rest.
/// </summary>
/// <remarks>
/// Every class of a collection that runs alone (this one, <c>patroni</c>) also carries the trait
/// <c>[Trait(Trait, Value)]</c>, so that <c>test.sh</c> can give them a test process of their own at normal priority,
/// beside the parallel classes' process at a lower one: the timed tests have the CPU when they need it, and the
/// parallel ones use what they leave rather than waiting for them to end.
/// </remarks>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAloneCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "runs alone";

    public const string Trait = "Runs";

    public const string Value = "Alone";
}
