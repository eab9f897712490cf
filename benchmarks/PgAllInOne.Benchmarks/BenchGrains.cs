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

[GenerateSerializer]
public sealed class TallyState
{
    [Id(0)]
    public long Total { get; set; }
}

public interface ITallyGrain : IGrainWithStringKey
{
    /// <summary>Adds and writes the state durably (version-checked) before answering.</summary>
    Task<long> Add(long amount);

    Task<long> Get();
}

public sealed class TallyGrain([PersistentState("tally")] IPersistentState<TallyState> tally) : Grain, ITallyGrain
{
    public async Task<long> Add(long amount)
    {
        tally.State.Total += amount;
        await tally.WriteStateAsync();
        return tally.State.Total;
    }

    public Task<long> Get() => Task.FromResult(tally.State.Total);
}
