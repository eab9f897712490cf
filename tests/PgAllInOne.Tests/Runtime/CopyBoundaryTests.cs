using PgAllInOne.Runtime.Serialization;
using PgAllInOne.Tests.Grains;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Runtime;

[Collection(PostgresCollection.Name)]
public sealed class CopyBoundaryTests(PostgresFixture postgres) : SiloTest(postgres)
{
    [Fact]
    public async Task MutatingAnArgumentAfterTheCall_NeverChangesWhatTheGrainHolds()
    {
        var grain = Silo.Grains.GetGrain<ICopyGrain>(Guid.NewGuid().ToString());
        var basket = new Basket { Items = ["apple"] };

        await grain.Keep(basket);
        basket.Items.Add("pear");

        Assert.Equal(1, await grain.KeptCount());
    }

    [Fact]
    public async Task MutatingAResult_NeverChangesTheGrain()
    {
        var grain = Silo.Grains.GetGrain<ICopyGrain>(Guid.NewGuid().ToString());
        await grain.Keep(new Basket { Items = ["apple"] });

        var kept = await grain.Kept();
        kept.Items.Clear();

        Assert.Equal(1, await grain.KeptCount());
    }

    [Fact]
    public async Task ImmutableRecords_PassWithoutACopy_MutableObjectsAreCopied()
    {
        var grain = Silo.Grains.GetGrain<ICopyGrain>(Guid.NewGuid().ToString());
        var point = new Point(1, 2);
        var basket = new Basket { Items = ["fig"] };

        Assert.Same(point, await grain.Echo(point));
        var echoed = await grain.EchoBasket(basket);
        Assert.NotSame(basket, echoed);
        Assert.Equal(basket.Items, echoed.Items);
    }

    [Fact]
    public void ACompilerMadeCollection_IsCopiedAsItsDeclaredType()
    {
        IReadOnlyList<Basket> baskets = [new Basket { Items = ["kiwi"] }];

        var copy = DeepCopier.Copy(baskets);

        Assert.NotSame(baskets, copy);
        Assert.Equal("kiwi", Assert.Single(Assert.Single(copy).Items));
    }

    [Theory]
    [InlineData(typeof(Point), true)]
    [InlineData(typeof(TimerStats), true)]
    [InlineData(typeof(string), true)]
    [InlineData(typeof(GrainId), true)]
    [InlineData(typeof(Basket), false)]
    [InlineData(typeof(List<string>), false)]
    [InlineData(typeof(int[]), false)]
    [InlineData(typeof(TallySnapshot), false)]
    public void ImmutabilityIsJudgedFromTheFields(Type type, bool immutable)
    {
        Assert.Equal(immutable, DeepCopier.IsImmutable(type));
    }
}
