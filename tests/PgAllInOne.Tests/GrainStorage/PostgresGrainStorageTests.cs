using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using PgAllInOne.OrleansExtensions.GrainStorage;
using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.GrainStorage;

/// <summary>
/// Orleans grain state through our <see cref="PostgresGrainStorage"/>, on a real PostgreSQL: one silo for the class, each
/// test on grains of its own; the restart has a silo and database of its own. That group commits are shared is counted
/// on the process's meter, alone (<see cref="GrainStateGroupCommitTests"/>).
/// </summary>
public sealed class PostgresGrainStorageTests(SharedSilo shared, PostgresFixture postgres) : IClassFixture<SharedSilo>, IClassFixture<PostgresFixture>
{
    private TestSilo Silo => shared.Silo;

    private string Database => shared.Database;

    private IStatefulGrain Tally(string key) => Silo.Grains.GetGrain<IStatefulGrain>(key);

    [Theory]
    [InlineData("042", "42")]
    [InlineData("d0", "D0")]
    [InlineData("00d1", "d1")] // not "d0" again: the cases share the class's silo and tables
    [InlineData("abc+x", "abc")]
    public async Task KeysThatOnlyLookAlike_KeepSeparateState(string first, string second)
    {
        await Tally(first).Add(1);
        await Tally(second).Add(10);

        Assert.Equal(1, (await Tally(first).Get()).Total);
        Assert.Equal(10, (await Tally(second).Get()).Total);
        await using var dataSource = NpgsqlDataSource.Create(Database);
        // The rows of this case's keys, as given (the class's other tests have tallies of their own): a key stored
        // altered (case, leading zeros, '+') would be missing here.
        await using var command = dataSource.CreateCommand("SELECT grain_key FROM grain_state WHERE state_name = 'tally' AND grain_key IN ($1, $2) ORDER BY grain_key");
        command.Parameters.Add(new NpgsqlParameter { Value = first });
        command.Parameters.Add(new NpgsqlParameter { Value = second });
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
        // The silo is stopped: this test has one of its own, on a database of its own.
        var database = await postgres.CreateDatabaseAsync();
        var silo = await TestSilo.StartAsync(database);
        IStatefulGrain Durable() => silo.Grains.GetGrain<IStatefulGrain>("durable");
        try
        {
            await Durable().Add(3);
            await Durable().Deactivate();
            await Eventually.TrueAsync(async () => (await Durable().Get()).Activations >= 2, "the grain to come back in a new activation");
            Assert.Equal(3, (await Durable().Get()).Total);

            await Durable().AddWithoutWriting(4); // written by OnDeactivateAsync when the silo stops
            await silo.DisposeAsync();
            silo = await TestSilo.StartAsync(database);

            var after = await Durable().Get();
            Assert.Equal((7L, true), (after.Total, after.RecordExists));
        }
        finally
        {
            await silo.DisposeAsync();
        }
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
}
