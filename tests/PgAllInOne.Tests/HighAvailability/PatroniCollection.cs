namespace PgAllInOne.Tests.HighAvailability;

/// <summary>
/// The tests on the Patroni cluster: one cluster and three silos for all of them (<see cref="PatroniSilos"/>), one test
/// at a time and none beside them (they kill processes and bound how long answers take).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PatroniCollection : ICollectionFixture<PatroniSilos>
{
    public const string Name = "patroni";
}
