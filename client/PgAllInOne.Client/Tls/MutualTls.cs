using System.Security.Authentication;
using Orleans.Connections.Security;

namespace PgAllInOne.Tls;

/// <summary>Orleans' TLS settings for mutual TLS with certificates from <see cref="TlsCertificateFiles"/> (silo and client alike).</summary>
internal static class MutualTls
{
    public static TlsOptions Options(TlsCertificateFiles files) => new()
    {
        // Selectors rather than a fixed certificate: each handshake takes the certificate as the files are now.
        LocalServerCertificateSelector = (_, _) => files.Certificate,
        LocalClientCertificateSelector = (_, _, _, _, _) => files.Certificate,

        // The other side must present a certificate, and it must chain to the configured authority: nothing else is asked.
        RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
        RemoteCertificateValidation = (certificate, _, _) => files.Accepts(certificate),
        SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
    };
}
