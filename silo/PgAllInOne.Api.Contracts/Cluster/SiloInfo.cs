namespace PgAllInOne.Api.Contracts.Cluster;

/// <summary>A silo of the membership; <see cref="Stats"/> only for a live (active) one.</summary>
public sealed record SiloInfo(
    string Id,
    string Endpoint,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset LastHeartbeat,
    int Activations,
    SiloStats? Stats);
