namespace PgAllInOne.Client;

/// <summary>How a .NET app finds a PgAllInOne cluster.</summary>
public sealed class PgAllInOneClientOptions
{
    /// <summary>The cluster's PostgreSQL: the client reads the silos' gateways from Orleans' membership table there.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The silos' <c>Silo:ClusterId</c>.</summary>
    public string ClusterId { get; set; } = "default";

    /// <summary>Gateway endpoints (<c>host:port</c>, the silos' <c>Silo:GatewayPort</c>) to use instead of the membership table.</summary>
    public IList<string> Gateways { get; } = [];

    /// <summary>How long a grain call may take before it fails with a <see cref="TimeoutException"/>.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The client certificate and the cluster's authority, for silos that require mutual TLS.</summary>
    public PgAllInOneClientTlsOptions Tls { get; } = new();

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && Gateways.Count == 0)
        {
            throw new InvalidOperationException("The PgAllInOne client needs ConnectionString (to read the gateways from the membership table) or at least one gateway endpoint.");
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            throw new InvalidOperationException("The PgAllInOne client needs the cluster's ClusterId.");
        }

        if (ResponseTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"ResponseTimeout must be positive (was {ResponseTimeout}).");
        }

        if (Tls.Enabled)
        {
            if (Tls.ReloadInterval <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"PgAllInOne:Tls:ReloadInterval must be positive (was {Tls.ReloadInterval}).");
            }

            try
            {
                PgAllInOne.Tls.TlsCertificateFiles.Load(Tls.Files).Certificate.Dispose();
            }
            catch (PgAllInOne.Tls.TlsFileException exception)
            {
                throw new InvalidOperationException(exception.Message, exception);
            }
        }
    }
}
