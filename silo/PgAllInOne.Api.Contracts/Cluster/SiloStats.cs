namespace PgAllInOne.Api.Contracts.Cluster;

/// <summary>What Orleans reports of a live silo: activations per grain type, CPU and memory.</summary>
public sealed record SiloStats(IReadOnlyDictionary<string, int> Activations, double? CpuPercent, long? MemoryBytes);
