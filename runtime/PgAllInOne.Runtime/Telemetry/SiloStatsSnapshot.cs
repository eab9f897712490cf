namespace PgAllInOne.Runtime.Telemetry;

/// <summary>What a silo reports with each heartbeat: activations per grain type, CPU, memory, its calls per method, and counter totals.</summary>
public sealed record SiloStatsSnapshot(
    IReadOnlyDictionary<string, int> Activations,
    double CpuPercent,
    long MemoryBytes,
    double WindowSeconds,
    IReadOnlyList<MethodStats> Methods,
    IReadOnlyDictionary<string, long> Counters);

/// <summary>Calls of one grain method during the last window, with latency percentiles in milliseconds.</summary>
public sealed record MethodStats(string GrainType, string Method, long Calls, long Failures, double P50Ms, double P99Ms);
