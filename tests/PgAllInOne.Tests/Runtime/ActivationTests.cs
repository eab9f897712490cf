using Microsoft.Extensions.DependencyInjection;
using PgAllInOne.Runtime.Activation;
using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Runtime;

[Collection(PostgresCollection.Name)]
public sealed class ActivationTests(PostgresFixture postgres) : SiloTest(postgres)
{
    protected override IDictionary<string, string?>? Settings { get; } = new Dictionary<string, string?>
    {
        ["Runtime:CollectionAge"] = "00:00:00.800",
        ["Runtime:CollectionQuantum"] = "00:00:00.100",
    };

    private Catalog Catalog => Silo.Services.GetRequiredService<Catalog>();

    [Fact]
    public async Task GettingAReference_ActivatesNothing_TheFirstCallActivates()
    {
        var key = Guid.NewGuid().ToString();
        var counter = Silo.Grains.GetGrain<ICounterGrain>(key);
        Assert.False(Catalog.TryGetActivation(new GrainId("counter", key), out _));

        await counter.IncrementNonAtomically();

        Assert.True(Catalog.TryGetActivation(new GrainId("counter", key), out var activation));
        Assert.Equal(ActivationState.Valid, activation!.State);
    }

    [Fact]
    public async Task OnActivateAsync_RunsAfterThePersistentStateWasRead()
    {
        var key = Guid.NewGuid().ToString();
        var grain = Silo.Grains.GetGrain<IStatefulGrain>(key);
        await grain.Add(5);
        await grain.Deactivate();
        await Eventually.TrueAsync(() => StatefulGrain.Lifecycle[key].Contains("deactivate Requested"), "the grain to deactivate");

        var snapshot = await grain.Get();

        Assert.Equal(["activate total=0 version=0", "deactivate Requested", "activate total=5 version=1"], StatefulGrain.Lifecycle[key]);
        Assert.Equal(5, snapshot.Total);
        Assert.Equal(2, snapshot.Activations);
    }

    [Fact]
    public async Task IdleActivations_AreCollectedAfterTheCollectionAge()
    {
        var key = Guid.NewGuid().ToString();
        await Silo.Grains.GetGrain<IStatefulGrain>(key).Add(1);

        await Eventually.TrueAsync(() => StatefulGrain.Lifecycle[key].Contains("deactivate Idle"), "idle collection", TimeSpan.FromSeconds(5));
        Assert.False(Catalog.TryGetActivation(new GrainId("stateful", key), out _));
    }

    [Fact]
    public async Task BusyActivations_AreNotCollected()
    {
        var key = Guid.NewGuid().ToString();
        var grain = Silo.Grains.GetGrain<IStatefulGrain>(key);
        var until = DateTime.UtcNow.AddSeconds(2);
        while (DateTime.UtcNow < until)
        {
            await grain.Get();
            await Task.Delay(50);
        }

        Assert.Equal(["activate total=0 version=0"], StatefulGrain.Lifecycle[key]);
    }

    [Fact]
    public async Task DeactivateOnIdle_EndsTheActivation_AndTheNextCallBringsANewOne()
    {
        var key = Guid.NewGuid().ToString();
        var grain = Silo.Grains.GetGrain<IStatefulGrain>(key);
        await grain.Deactivate();
        await Eventually.TrueAsync(() => !Catalog.TryGetActivation(new GrainId("stateful", key), out _), "the activation to go away");

        Assert.Equal(2, (await grain.Get()).Activations);
    }

    [Fact]
    public async Task CallsArrivingDuringDeactivation_AreServedByTheNextActivation()
    {
        var key = Guid.NewGuid().ToString();
        var grain = Silo.Grains.GetGrain<IStatefulGrain>(key);
        await grain.Add(1);
        await grain.Deactivate();

        var adds = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => grain.Add(1)));

        Assert.Equal(51, adds.Max());
        Assert.Equal(51, (await grain.Get()).Total);
    }
}
