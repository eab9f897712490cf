namespace PgAllInOne.Api.Contracts.Cluster;

public sealed record ClusterInfo(string ClusterId, IReadOnlyList<SiloInfo> Silos, IReadOnlyDictionary<string, int> Activations);
