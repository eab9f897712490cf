using BenchmarkDotNet.Attributes;
using PgAllInOne.OrleansExtensions.CallCycles;

namespace PgAllInOne.Benchmarks;

/// <summary>
/// Local grain call throughput, made from inside the silo process through the silo host's grain factory: a grain on our
/// silo configuration (AddPgAllInOne: call-cycle detection, activity propagation, storage registered) beside the same grain
/// on a bare Orleans silo, a Channels mailbox actor and a direct interface call, in the same run.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // disposed in [GlobalCleanup], which BenchmarkDotNet calls
public class GrainCallBenchmarks
{
    private const int Calls = 64_000;
    private BenchmarkSilo? silo;
    private IAdderGrain grain = null!;
    private MailboxActor? actor;
    private IAdder direct = null!;

    [Params(1, 64)]
    public int Callers { get; set; }

    [GlobalSetup(Target = nameof(DirectInterfaceCall))]
    public void SetupDirect() => direct = new DirectAdder();

    [GlobalSetup(Target = nameof(ChannelMailboxActor))]
    public void SetupMailbox() => actor = new MailboxActor();

    [GlobalSetup(Target = nameof(BareOrleansGrainCall))]
    public void SetupBare() => StartGrain(BenchmarkSilo.StartBare());

    [GlobalSetup(Target = nameof(BarePlusCallCycleDetection))]
    public void SetupBarePlusCallCycleDetection() => StartGrain(BenchmarkSilo.StartBare(silo => silo.AddCallCycleDetection()));

    [GlobalSetup(Target = nameof(BarePlusActivityPropagation))]
    public void SetupBarePlusActivityPropagation() => StartGrain(BenchmarkSilo.StartBare(silo => silo.AddActivityPropagation()));

    [GlobalSetup(Target = nameof(PgAllInOneGrainCall))]
    public void SetupOurs() => StartGrain(BenchmarkSilo.Start());

    [GlobalCleanup]
    public void Cleanup()
    {
        actor?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        silo?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        actor = null;
        silo = null;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public Task DirectInterfaceCall() => Drive(direct.Add);

    [Benchmark(OperationsPerInvoke = Calls)]
    public Task ChannelMailboxActor() => Drive(actor!.Add);

    [Benchmark(OperationsPerInvoke = Calls)]
    public Task BareOrleansGrainCall() => Drive(grain.Add);

    // What the two call-path pieces of AddPgAllInOne cost alone, each added to the bare silo.
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task BarePlusCallCycleDetection() => Drive(grain.Add);

    [Benchmark(OperationsPerInvoke = Calls)]
    public Task BarePlusActivityPropagation() => Drive(grain.Add);

    [Benchmark(OperationsPerInvoke = Calls)]
    public Task PgAllInOneGrainCall() => Drive(grain.Add);

    private void StartGrain(BenchmarkSilo started)
    {
        silo = started;
        grain = silo.Grains.GetGrain<IAdderGrain>("bench");
        grain.Add(0).GetAwaiter().GetResult();
    }

    private Task Drive(Func<int, Task<int>> call) =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (var i = Calls / Callers; i > 0; i--)
            {
                await call(1);
            }
        })));
}
