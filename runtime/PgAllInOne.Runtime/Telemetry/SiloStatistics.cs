using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PgAllInOne.Runtime.Activation;

namespace PgAllInOne.Runtime.Telemetry;

/// <summary>Takes the silo's snapshot for the heartbeat: each call measures the window since the previous one.</summary>
public sealed class SiloStatistics(IServiceProvider services, CallStatistics calls, CounterTotals counters)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock gate = new();
    private TimeSpan lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
    private long lastTimestamp = Stopwatch.GetTimestamp();

    public SiloStatsSnapshot Take()
    {
        // Resolved late: the catalog depends (through placement) on the membership that calls this.
        var activations = services.GetRequiredService<Catalog>().CountByType();
        using var process = Process.GetCurrentProcess();
        lock (gate)
        {
            var cpu = process.TotalProcessorTime;
            var now = Stopwatch.GetTimestamp();
            var elapsed = Stopwatch.GetElapsedTime(lastTimestamp, now);
            var cpuPercent = elapsed > TimeSpan.Zero ? 100 * (cpu - lastCpu) / elapsed / Environment.ProcessorCount : 0;
            (lastCpu, lastTimestamp) = (cpu, now);
            return new SiloStatsSnapshot(activations, Math.Round(cpuPercent, 1), process.WorkingSet64, elapsed.TotalSeconds, calls.TakeWindow(), counters.Snapshot());
        }
    }

    public string TakeJson() => JsonSerializer.Serialize(Take(), Json);
}
