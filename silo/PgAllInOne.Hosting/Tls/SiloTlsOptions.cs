using PgAllInOne.Tls;

namespace PgAllInOne.Hosting.Tls;

/// <summary>
/// Mutual TLS on the silo-to-silo and gateway ports (configuration section "Silo:Tls"). Unset: the ports speak plain
/// TCP. Set: every connection to either port, and every connection this silo opens to another, needs TLS 1.2 or 1.3
/// and a certificate issued by <see cref="CaCertificate"/>.
/// </summary>
public sealed class SiloTlsOptions
{
    public const string SectionName = "Silo:Tls";

    /// <summary>The silo's certificate: a PEM file (with <see cref="Key"/>) or a PFX/PKCS#12 file (.pfx, .p12). Its extended key usages, if it has any, must include server and client authentication.</summary>
    public string? Certificate { get; set; }

    /// <summary>The PEM private key of <see cref="Certificate"/>.</summary>
    public string? Key { get; set; }

    /// <summary>The password of a PFX, or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>PEM certificate(s) of the authority that issues the cluster's certificates; peers and clients must present one of its certificates.</summary>
    public string? CaCertificate { get; set; }

    /// <summary>How often the files are looked at for a renewal (a changed file is read again for the next handshake).</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Certificate) || !string.IsNullOrWhiteSpace(Key) || !string.IsNullOrWhiteSpace(CaCertificate);

    /// <summary>The configured files with the keys that name them.</summary>
    internal TlsFilePaths Files => new(
        Certificate ?? "",
        Key,
        CertificatePassword,
        CaCertificate,
        "Silo:Tls:Certificate",
        "Silo:Tls:Key",
        "Silo:Tls:CertificatePassword",
        "Silo:Tls:CaCertificate");
}
