using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.GrainStorage;

/// <summary>
/// Grain state writes of many grains share commits, counted on the process's meter: the one test of
/// <see cref="PostgresGrainStorageTests"/>'s subject that must run with no other silo writing grain state beside it.
/// </summary>
[Collection(RunsAloneCollection.Name)] // runs alone: it counts group commits on the process's meter
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class GrainStateGroupCommitTests(SharedSilo shared) : IClassFixture<SharedSilo>
{
    private IStatefulGrain Tally(string key) => shared.Silo.Grains.GetGrain<IStatefulGrain>(key);

    [Fact]
    public async Task WritesOfManyGrains_ShareCommits_AndEachIsAcknowledgedOnceStored()
    {
        var grains = Enumerable.Range(0, 64).Select(i => Tally($"many-{i}")).ToList();
        await Task.WhenAll(grains.Select(g => g.Get()));
        using var commits = new GroupCommitCounter("grain_state");

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.WhenAll(grains.Select(g => g.Add(1)))));

        Assert.All(await Task.WhenAll(grains.Select(g => g.Get())), s => Assert.Equal(10, s.Total));
        Assert.Equal(640, commits.Callers);
        Assert.True(commits.Batches < commits.Callers, $"{commits.Batches} commits for {commits.Callers} writes");
    }
}
