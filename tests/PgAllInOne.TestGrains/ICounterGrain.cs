namespace PgAllInOne.Tests.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Reads, awaits, then writes: correct only if no other request runs in between.</summary>
    Task<int> IncrementNonAtomically();

    [ReadOnly]
    Task<int> Get();
}

public sealed class CounterGrain : Grain, ICounterGrain
{
    private int value;

    public async Task<int> IncrementNonAtomically()
    {
        var read = value;
        await Task.Yield();
        await Task.Delay(0);
        value = read + 1;
        return value;
    }

    public Task<int> Get() => Task.FromResult(value);
}
