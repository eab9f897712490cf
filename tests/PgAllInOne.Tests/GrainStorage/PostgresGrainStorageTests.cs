using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using PgAllInOne.OrleansExtensions.GrainStorage;
using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.GrainStorage;

/// <summary>Orleans grain state through our <see cref="PostgresGrainStorage"/>, on a real PostgreSQL.</summary>
[Collection(RunsAloneCollection.Name)] // runs alone: it counts group commits on the process's meter
public sealed class PostgresGrainStorageTests(PostgresFixture postgres) : SiloTest(postgres)
{
    private IStatefulGrain Tally(string key) => Silo.Grains.GetGrain<IStatefulGrain>(key);

    [Theory]
    [InlineData("042", "42")]
    [InlineData("d0", "D0")]
    [InlineData("00d0", "d0")]
    [InlineData("abc+x", "abc")]
    public async Task KeysThatOnlyLookAlike_KeepSeparateState(string first, string second)
    {
        await Tally(first).Add(1);
        await Tally(second).Add(10);

        Assert.Equal(1, (await Tally(first).Get()).Total);
        Assert.Equal(10, (await Tally(second).Get()).Total);
        await using var dataSource = NpgsqlDataSource.Create(Database);
        await using var command = dataSource.CreateCommand("SELECT grain_key FROM grain_state WHERE state_name = 'tally' ORDER BY grain_key");
        var keys = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public async Task State_IsReadableJson_QueryableFromSql()
    {
        await Tally("readable").Add(5, "first");
        await Tally("readable").Add(2, "second");

        await using var dataSource = NpgsqlDataSource.Create(Database);
        await using var command = dataSource.CreateCommand(
            "SELECT (state->>'total')::bigint, state->'notes'->>1, version, grain_type FROM grain_state WHERE grain_key = 'readable' AND state_name = 'tally'");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(7, reader.GetInt64(0));
        Assert.Equal("second", reader.GetString(1));
        Assert.Equal(2, reader.GetInt64(2));
        Assert.Equal("stateful", reader.GetString(3));
    }

    [Fact]
    public async Task State_SurvivesDeactivation_AndASiloRestart()
    {
        await Tally("durable").Add(3);
        await Tally("durable").Deactivate();
        await Eventually.TrueAsync(async () => (await Tally("durable").Get()).Activations >= 2, "the grain to come back in a new activation");
        Assert.Equal(3, (await Tally("durable").Get()).Total);

        await Tally("durable").AddWithoutWriting(4); // written by OnDeactivateAsync when the silo stops
        await Silo.DisposeAsync();
        Silo = await TestSilo.StartAsync(Database);

        var after = await Tally("durable").Get();
        Assert.Equal((7L, true), (after.Total, after.RecordExists));
    }

    [Fact]
    public async Task AStaleWrite_ThrowsInconsistentState_AndChangesNothing()
    {
        await Tally("contended").Add(1);
        var storage = Silo.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var grainId = GrainId.Create("stateful", "contended");
        var stale = new GrainState<TallyState> { State = new TallyState { Total = 100 }, ETag = "1" };
        await Tally("contended").Add(1); // now at version 2

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("tally", grainId, stale));

        var fresh = new GrainState<TallyState>();
        await storage.ReadStateAsync("tally", grainId, fresh);
        Assert.Equal((2L, "2"), (fresh.State!.Total, fresh.ETag));
        Assert.Equal("1", stale.ETag);
    }

    [Fact]
    public async Task Clear_KeepsTheVersionMoving_SoAStaleWriterStillConflicts()
    {
        await Tally("cleared").Add(9);
        var before = await Tally("cleared").Get();
        await Tally("cleared").Clear();
        var after = await Tally("cleared").Get();
        Assert.Equal((0L, false), (after.Total, after.RecordExists));
        Assert.NotEqual(before.ETag, after.ETag);

        var storage = Silo.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var stale = new GrainState<TallyState> { State = new TallyState { Total = 1 }, ETag = before.ETag };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("tally", GrainId.Create("stateful", "cleared"), stale));
        Assert.Equal(5, await Tally("cleared").Add(5));
    }

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
