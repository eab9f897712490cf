using BenchmarkDotNet.Attributes;

namespace PgAllInOne.Benchmarks;

/// <summary>Local grain call throughput beside a direct interface call and a Channels mailbox actor, in the same run.</summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // disposed in [GlobalCleanup], which BenchmarkDotNet calls
public class GrainCallBenchmarks
{
    private const int Calls = 64_000;
    private BenchmarkSilo silo = null!;
    private IAdderGrain grain = null!;
    private MailboxActor actor = null!;
    private IAdder direct = null!;

    [Params(1, 64)]
    public int Callers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        silo = BenchmarkSilo.Start();
        grain = silo.Grains.GetGrain<IAdderGrain>("bench");
        grain.Add(0).GetAwaiter().GetResult();
        actor = new MailboxActor();
        direct = new DirectAdder();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        actor.DisposeAsync().AsTask().GetAwaiter().GetResult();
        silo.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public Task DirectInterfaceCall() => Drive(direct.Add);

    [Benchmark(OperationsPerInvoke = Calls)]
    public Task ChannelMailboxActor() => Drive(actor.Add);

    [Benchmark(OperationsPerInvoke = Calls)]
    public Task GrainCall() => Drive(grain.Add);

    private Task Drive(Func<int, Task<int>> call) =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (var i = Calls / Callers; i > 0; i--)
            {
                await call(1);
            }
        })));
}
