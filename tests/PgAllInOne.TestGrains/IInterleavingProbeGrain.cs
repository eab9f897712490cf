namespace PgAllInOne.Tests.Grains;

/// <summary>Reports the most requests it saw in flight at once, across awaits.</summary>
public interface IInterleavingProbeGrain : IGrainWithStringKey
{
    [ReadOnly]
    Task<int> ReadSlowly(int delayMs);

    Task<int> WriteSlowly(int delayMs);
}

public sealed class InterleavingProbeGrain : Grain, IInterleavingProbeGrain
{
    public Task<int> ReadSlowly(int delayMs) => Probe(delayMs);

    public Task<int> WriteSlowly(int delayMs) => Probe(delayMs);

    private Task<int> Probe(int delayMs) => ConcurrencyProbe.For(this.GetGrainId().ToString()).RunAsync(async () =>
    {
        await Task.Delay(delayMs);
        return ConcurrencyProbe.For(this.GetGrainId().ToString()).Max;
    });
}

public interface IReentrantProbeGrain : IGrainWithStringKey
{
    Task<int> WriteSlowly(int delayMs);
}

[Reentrant]
public sealed class ReentrantProbeGrain : Grain, IReentrantProbeGrain
{
    public Task<int> WriteSlowly(int delayMs) => ConcurrencyProbe.For(this.GetGrainId().ToString()).RunAsync(async () =>
    {
        await Task.Delay(delayMs);
        return ConcurrencyProbe.For(this.GetGrainId().ToString()).Max;
    });
}
