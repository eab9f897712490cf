using System.Reflection;

namespace PgAllInOne.Client;

/// <summary>How a client finds the cluster and which grain interfaces it calls.</summary>
public sealed class ClusterClientOptions
{
    /// <summary>The cluster's PostgreSQL: the client reads the active silos from its membership table.</summary>
    public string? ConnectionString { get; set; }

    public string ClusterId { get; set; } = "default";

    /// <summary>Silo endpoints (host:port) to use instead of the membership table; calls then go to any of them and are forwarded.</summary>
    public IList<string> Endpoints { get; } = [];

    /// <summary>Assemblies holding the grain interfaces the client calls.</summary>
    public ICollection<Assembly> InterfaceAssemblies { get; } = new HashSet<Assembly>();

    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the list of active silos is reread.</summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a read-only call that found its silo gone keeps retrying on the owner of the next membership view.
    /// Other calls fail at once with <see cref="SiloUnavailableException"/>: only the caller knows whether a retry is safe.
    /// </summary>
    public TimeSpan ReadRetryWindow { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && Endpoints.Count == 0)
        {
            throw new InvalidOperationException("The cluster client needs ConnectionString (to read the membership) or at least one silo endpoint.");
        }

        if (InterfaceAssemblies.Count == 0)
        {
            throw new InvalidOperationException("The cluster client needs the assemblies of the grain interfaces it calls (InterfaceAssemblies).");
        }

        if (ResponseTimeout <= TimeSpan.Zero || RefreshPeriod <= TimeSpan.Zero || ReadRetryWindow < TimeSpan.Zero)
        {
            throw new InvalidOperationException("ResponseTimeout and RefreshPeriod must be positive, ReadRetryWindow not negative.");
        }
    }
}
