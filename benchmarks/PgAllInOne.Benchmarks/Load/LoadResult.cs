namespace PgAllInOne.Benchmarks.Load;

/// <summary>What a load run measured: requests per second and latency percentiles in milliseconds.</summary>
internal sealed record LoadResult(string Name, double RequestsPerSecond, double P50Ms, double P99Ms, long Requests)
{
    public override string ToString() =>
        $"| {Name} | {RequestsPerSecond,10:N0} | {P50Ms,8:F3} | {P99Ms,8:F3} | {Requests,9:N0} |";
}
