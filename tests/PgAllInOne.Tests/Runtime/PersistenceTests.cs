using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PgAllInOne.Runtime.Storage;
using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Runtime;

[Collection(PostgresCollection.Name)]
public sealed class PersistenceTests(PostgresFixture postgres) : SiloTest(postgres)
{
    [Fact]
    public async Task State_SurvivesDeactivation()
    {
        var key = Guid.NewGuid().ToString();
        var grain = Silo.Grains.GetGrain<IStatefulGrain>(key);
        await grain.Add(3, "first");
        await grain.Deactivate();
        await Eventually.TrueAsync(() => StatefulGrain.Lifecycle[key].Contains("deactivate Requested"), "deactivation");

        var snapshot = await grain.Get();

        Assert.Equal(3, snapshot.Total);
        Assert.Equal(["first"], snapshot.Notes);
        Assert.Equal(1, snapshot.Version);
    }

    [Fact]
    public async Task State_SurvivesASiloRestart()
    {
        var key = Guid.NewGuid().ToString();
        await Silo.Grains.GetGrain<IStatefulGrain>(key).Add(11);
        await Silo.Grains.GetGrain<IStatefulGrain>(key).Add(31);
        await Silo.DisposeAsync();

        Silo = await TestSilo.StartAsync(Database);
        var snapshot = await Silo.Grains.GetGrain<IStatefulGrain>(key).Get();

        Assert.Equal(42, snapshot.Total);
        Assert.Equal(2, snapshot.Version);
    }

    [Fact]
    public async Task AGracefulStop_FlushesWhatOnDeactivateWrites()
    {
        var key = Guid.NewGuid().ToString();
        await Silo.Grains.GetGrain<IStatefulGrain>(key).AddWithoutWriting(7);
        await Silo.StopAsync();

        Silo = await TestSilo.StartAsync(Database);

        Assert.Equal(7, (await Silo.Grains.GetGrain<IStatefulGrain>(key).Get()).Total);
    }

    [Fact]
    public async Task State_IsReadableJsonbKeyedByGrainTypeAndKey()
    {
        var key = Guid.NewGuid().ToString();
        await Silo.Grains.GetGrain<IStatefulGrain>(key).Add(5, "visible");

        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT (payload->>'total')::int, payload->'notes'->>0, version FROM grain_state WHERE grain_type = 'stateful' AND grain_key = $1 AND state_name = 'tally'", connection);
        query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await using var reader = await query.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal(5, reader.GetInt32(0));
        Assert.Equal("visible", reader.GetString(1));
        Assert.Equal(1, reader.GetInt64(2));
    }

    [Fact]
    public async Task AStaleWrite_ThrowsAConflict_AndChangesNothing()
    {
        var storage = Silo.Services.GetRequiredService<IGrainStorage>();
        var id = new GrainId("ledger", Guid.NewGuid().ToString());
        var first = await storage.WriteAsync(id, "state", new TallyState { Total = 1 }, expectedVersion: 0, CancellationToken.None);
        var second = await storage.WriteAsync(id, "state", new TallyState { Total = 2 }, expectedVersion: first, CancellationToken.None);

        var insertAgain = await Assert.ThrowsAsync<GrainStateConflictException>(() => storage.WriteAsync(id, "state", new TallyState { Total = 99 }, 0, CancellationToken.None));
        var stale = await Assert.ThrowsAsync<GrainStateConflictException>(() => storage.WriteAsync(id, "state", new TallyState { Total = 98 }, first, CancellationToken.None));
        await Assert.ThrowsAsync<GrainStateConflictException>(() => storage.ClearAsync(id, "state", first, CancellationToken.None));

        var stored = await storage.ReadAsync<TallyState>(id, "state", CancellationToken.None);
        Assert.Equal(2, stored.State!.Total);
        Assert.Equal(second, stored.Version);
        Assert.Contains("expected version 1", stale.Message, StringComparison.Ordinal);
        Assert.Equal(0, insertAgain.ExpectedVersion);
    }

    [Fact]
    public async Task TwoActivationsRacingToWrite_OneWins_TheOtherGetsAConflict()
    {
        // Another cluster on the same tables stands in for two silos whose membership views disagree for a moment.
        await using var otherSilo = await TestSilo.StartAsync(Database, new Dictionary<string, string?> { ["Silo:ClusterId"] = "diverged" });
        var key = Guid.NewGuid().ToString();
        var here = Silo.Grains.GetGrain<IStatefulGrain>(key);
        var there = otherSilo.Grains.GetGrain<IStatefulGrain>(key);
        await here.Get();
        await there.Get();

        Assert.Equal(10, await here.Add(10, "winner"));
        await Assert.ThrowsAsync<GrainStateConflictException>(() => there.Add(20, "loser"));

        await using var fresh = await TestSilo.StartAsync(Database);
        var stored = await fresh.Grains.GetGrain<IStatefulGrain>(key).Get();
        Assert.Equal(10, stored.Total);
        Assert.Equal(["winner"], stored.Notes);
    }

    [Fact]
    public async Task ClearingState_ForgetsIt_ButKeepsTheVersionMoving()
    {
        var key = Guid.NewGuid().ToString();
        var grain = Silo.Grains.GetGrain<IStatefulGrain>(key);
        await grain.Add(4);

        await grain.Clear();
        var cleared = await grain.Get();
        await grain.Add(1);

        Assert.Equal(0, cleared.Total);
        Assert.False(cleared.RecordExists);
        Assert.Equal(2, cleared.Version);
        Assert.Equal(3, (await grain.Get()).Version);
    }

    [Fact]
    public async Task ConcurrentWritesOfManyGrains_AreAllDurable()
    {
        var keys = Enumerable.Range(0, 300).Select(i => $"bulk-{Guid.NewGuid():N}").ToArray();

        await Task.WhenAll(keys.Select(key => Task.Run(async () =>
        {
            var grain = Silo.Grains.GetGrain<IStatefulGrain>(key);
            await grain.Add(1);
            await grain.Add(2);
        })));

        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*), sum((payload->>'total')::int) FROM grain_state WHERE grain_key = ANY($1)", connection);
        query.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys });
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(300, reader.GetInt64(0));
        Assert.Equal(900, reader.GetInt64(1));
    }
}
