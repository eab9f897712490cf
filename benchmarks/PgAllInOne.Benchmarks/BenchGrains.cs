namespace PgAllInOne.Benchmarks;

public interface IAdderGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);
}

public sealed class AdderGrain : Grain, IAdderGrain
{
    private int total;

    public Task<int> Add(int amount) => Task.FromResult(total += amount);
}

public sealed class TallyState
{
    public long Total { get; set; }
}

public interface ITallyGrain : IGrainWithStringKey
{
    Task<long> Add(long amount);
}

public sealed class TallyGrain([PersistentState("tally")] IPersistentState<TallyState> tally) : Grain, ITallyGrain
{
    public async Task<long> Add(long amount)
    {
        tally.State.Total += amount;
        await tally.WriteStateAsync();
        return tally.State.Total;
    }
}
