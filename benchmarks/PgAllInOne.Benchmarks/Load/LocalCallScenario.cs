using System.Diagnostics;
using System.Globalization;
using PgAllInOne.OrleansExtensions.CallCycles;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>
/// Local grain calls with the subjects interleaved round by round, so that a noisy machine slows all of them alike:
/// in each round the Channels mailbox actor, a grain on a bare Orleans silo and a grain on our silo configuration
/// (AddPgAllInOne), and a bare silo with only our call-cycle detection or only activity propagation added, each take the same number of calls from 1 or 64 callers inside this process (through each silo
/// host's own grain factory). Reports the median time per call of each and the median of the per-round ratios.
/// </summary>
internal static class LocalCallScenario
{
    private const int Calls = 64_000;

    public static async Task RunAsync(int rounds)
    {
        await using var bare = BenchmarkSilo.StartBare();
        await using var ours = BenchmarkSilo.Start();
        await using var withCycles = BenchmarkSilo.StartBare(silo => silo.AddCallCycleDetection());
        await using var withTraces = BenchmarkSilo.StartBare(silo => silo.AddActivityPropagation());
        await using var actor = new MailboxActor();
        var bareGrain = bare.Grains.GetGrain<IAdderGrain>("local");
        var ourGrain = ours.Grains.GetGrain<IAdderGrain>("local");
        var subjects = new (string Name, Func<int, Task<int>> Call)[] { ("Channels mailbox actor", actor.Add), ("bare Orleans grain", bareGrain.Add), ("AddPgAllInOne grain", ourGrain.Add),
            ("bare + call-cycle detection", withCycles.Grains.GetGrain<IAdderGrain>("local").Add), ("bare + activity propagation", withTraces.Grains.GetGrain<IAdderGrain>("local").Add) };

        Console.WriteLine($"Local calls, {Calls:N0} calls per subject per round, {rounds} rounds, subjects interleaved in each round");
        Console.WriteLine("| callers | mailbox ns/call | bare Orleans ns/call | AddPgAllInOne ns/call | ours / bare throughput, median (range) | our overhead, median | bare + call-cycle detection ns/call | bare + activity propagation ns/call |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var callers in new[] { 1, 64 })
        {
            for (var warm = 0; warm < 2; warm++)
            {
                foreach (var (_, call) in subjects)
                {
                    await DriveAsync(call, callers);
                }
            }

            var times = subjects.Select(_ => new List<double>()).ToArray();
            for (var round = 0; round < rounds; round++)
            {
                for (var s = 0; s < subjects.Length; s++)
                {
                    times[s].Add(await DriveAsync(subjects[s].Call, callers));
                }
            }

            // ours/bare throughput = bare time / our time, per round.
            var ratios = times[1].Zip(times[2], (b, o) => b / o).Order().ToArray();
            var median = Median(ratios);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {callers} | {Median(times[0]):F0} | {Median(times[1]):F0} | {Median(times[2]):F0} | {median:F2} ({ratios[0]:F2}–{ratios[^1]:F2}) | {(1 / median - 1) * 100:F0} % | {Median(times[3]):F0} | {Median(times[4]):F0} |"));
        }
    }

    /// <summary>Runs <see cref="Calls"/> calls from <paramref name="callers"/> concurrent callers; returns ns per call.</summary>
    private static async Task<double> DriveAsync(Func<int, Task<int>> call, int callers)
    {
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (var i = Calls / callers; i > 0; i--)
            {
                await call(1);
            }
        })));
        return Stopwatch.GetElapsedTime(started).TotalNanoseconds / Calls;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
