using System.Collections.Concurrent;

namespace PgAllInOne.Tests.Grains;

public interface IWorkerGrain : IGrainWithStringKey
{
    Task<int> Work(string probe, int delayMs);
}

/// <summary>A stateless worker allowed four local activations.</summary>
[StatelessWorker(4)]
public sealed class WorkerGrain : Grain, IWorkerGrain
{
    public static readonly ConcurrentDictionary<string, ConcurrentDictionary<WorkerGrain, byte>> Instances = new();

    public Task<int> Work(string probe, int delayMs)
    {
        Instances.GetOrAdd(probe, _ => new()).TryAdd(this, 0);
        return ConcurrencyProbe.For(probe).RunAsync(async () =>
        {
            await Task.Delay(delayMs);
            return ConcurrencyProbe.For(probe).Max;
        });
    }
}
