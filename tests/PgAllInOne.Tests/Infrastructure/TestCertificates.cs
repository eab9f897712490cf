using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>A certificate authority made in the test (ECDSA P-256), which issues silo, client and server certificates and writes them as PEM files.</summary>
public sealed class TestAuthority : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    public TestAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        Certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    /// <summary>The authority's certificate, with its key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A silo's certificate: both ends of a TLS connection (serverAuth and clientAuth), for 127.0.0.1 and localhost.</summary>
    public X509Certificate2 IssueSilo(string name) => Issue(name, [ServerAuthentication, ClientAuthentication], ["localhost"], [System.Net.IPAddress.Loopback]);

    /// <summary>A cluster client's certificate (clientAuth only).</summary>
    public X509Certificate2 IssueClient(string name) => Issue(name, [ClientAuthentication], [], []);

    /// <summary>A server's certificate (serverAuth) for the given host names.</summary>
    public X509Certificate2 IssueServer(string name, params string[] hostNames) => Issue(name, [ServerAuthentication], hostNames, []);

    /// <summary>Writes the authority's certificate (no key) as PEM and returns the path.</summary>
    public string WriteCertificate(string folder, string fileName)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, fileName);
        File.WriteAllText(path, Certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>Writes a certificate and its private key (PKCS#8, mode 0600) as PEM files and returns their paths.</summary>
    public static (string Certificate, string Key) Write(X509Certificate2 certificate, string folder, string name)
    {
        Directory.CreateDirectory(folder);
        var certificatePath = Path.Combine(folder, $"{name}.crt");
        var keyPath = Path.Combine(folder, $"{name}.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no ECDSA key.");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return (certificatePath, keyPath);
    }

    public void Dispose() => Certificate.Dispose();

    private X509Certificate2 Issue(string name, string[] usages, string[] hostNames, System.Net.IPAddress[] addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        var oids = new OidCollection();
        foreach (var usage in usages)
        {
            oids.Add(new Oid(usage));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (hostNames.Length > 0 || addresses.Length > 0)
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (var host in hostNames)
            {
                names.AddDnsName(host);
            }

            foreach (var address in addresses)
            {
                names.AddIpAddress(address);
            }

            request.CertificateExtensions.Add(names.Build());
        }

        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(Certificate, now.AddHours(-1), now.AddDays(30), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }
}
