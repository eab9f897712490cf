namespace PgAllInOne.Client;

/// <summary>
/// The client's certificate for a cluster whose silos require mutual TLS (<c>Silo:Tls:*</c>). Bound from configuration
/// as <c>PgAllInOne:Tls:Certificate</c>, <c>PgAllInOne:Tls:Key</c>, <c>PgAllInOne:Tls:CertificatePassword</c>,
/// <c>PgAllInOne:Tls:CaCertificate</c> and <c>PgAllInOne:Tls:ReloadInterval</c>.
/// </summary>
public sealed class PgAllInOneClientTlsOptions
{
    /// <summary>The client's certificate, issued by the cluster's authority: a PEM file (with <see cref="Key"/>) or a .pfx/.p12. Unset: plain TCP.</summary>
    public string? Certificate { get; set; }

    /// <summary>The PEM private key of <see cref="Certificate"/>.</summary>
    public string? Key { get; set; }

    /// <summary>The password of a PFX, or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>PEM certificate(s) of the cluster's authority: the silos' certificates must be issued by it.</summary>
    public string? CaCertificate { get; set; }

    /// <summary>How often the files are looked at for a renewal.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(30);

    internal bool Enabled => !string.IsNullOrWhiteSpace(Certificate) || !string.IsNullOrWhiteSpace(Key) || !string.IsNullOrWhiteSpace(CaCertificate);

    internal Tls.TlsFilePaths Files => new(
        Certificate ?? "",
        Key,
        CertificatePassword,
        CaCertificate,
        "PgAllInOne:Tls:Certificate",
        "PgAllInOne:Tls:Key",
        "PgAllInOne:Tls:CertificatePassword",
        "PgAllInOne:Tls:CaCertificate");
}
