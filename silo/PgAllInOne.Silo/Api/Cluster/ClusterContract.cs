using PgAllInOne.Api.Contracts.Cluster;
using PgAllInOne.Silo.Api.OpenApi;

namespace PgAllInOne.Silo.Api.Cluster;

/// <summary>What the cluster's endpoint answers, as the OpenAPI document shows it.</summary>
internal static class ClusterContract
{
    public static readonly SchemaExample SiloStats = SchemaExample.For<SiloStats>("""{"activations":{"user":12},"cpuPercent":3.5,"memoryBytes":104857600}""");
    public static readonly SchemaExample SiloInfo = SchemaExample.For<SiloInfo>("""{"id":"silo-1","endpoint":"127.0.0.1:11111","status":"active","startedAt":"2026-10-01T12:00:00+00:00","lastHeartbeat":"2026-10-01T12:05:00+00:00","activations":12,"stats":{"activations":{"user":12},"cpuPercent":3.5,"memoryBytes":104857600}}""");
    public static readonly SchemaExample ClusterInfo = SchemaExample.For<ClusterInfo>("""{"clusterId":"default","silos":[{"id":"silo-1","endpoint":"127.0.0.1:11111","status":"active","startedAt":"2026-10-01T12:00:00+00:00","lastHeartbeat":"2026-10-01T12:05:00+00:00","activations":12,"stats":null}],"activations":{"user":12}}""");
}
