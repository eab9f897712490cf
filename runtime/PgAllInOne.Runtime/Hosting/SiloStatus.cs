namespace PgAllInOne.Runtime.Hosting;

/// <summary>The silo's identity and whether it serves calls; read by /readyz and the cluster views.</summary>
public sealed class SiloStatus
{
    public string SiloId { get; } = $"{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}";

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public bool IsActive { get; internal set; }

    /// <summary>host:port where this silo's runtime answers calls, once it listens.</summary>
    public string Endpoint { get; internal set; } = "";

    public bool MigrationsApplied { get; internal set; }
}
