namespace PgAllInOne.Tests.Grains;

/// <summary>A mutable type: crosses the call boundary as a copy.</summary>
public sealed class Basket
{
    public List<string> Items { get; set; } = [];
}

/// <summary>An immutable record: crosses the call boundary as it is.</summary>
public sealed record Point(int X, int Y);

public interface ICopyGrain : IGrainWithStringKey
{
    Task Keep(Basket basket);

    Task<Basket> Kept();

    Task<int> KeptCount();

    Task<Point> Echo(Point point);

    Task<Basket> EchoBasket(Basket basket);
}

public sealed class CopyGrain : Grain, ICopyGrain
{
    private Basket kept = new();

    public Task Keep(Basket basket)
    {
        kept = basket;
        return Task.CompletedTask;
    }

    public Task<Basket> Kept() => Task.FromResult(kept);

    public Task<int> KeptCount() => Task.FromResult(kept.Items.Count);

    public Task<Point> Echo(Point point) => Task.FromResult(point);

    public Task<Basket> EchoBasket(Basket basket) => Task.FromResult(basket);
}
