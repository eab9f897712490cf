using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using PgAllInOne.Tls;

namespace PgAllInOne.Hosting.Tls;

/// <summary>Reads the TLS files once before the silo starts: each problem (missing file, key of another certificate, foreign issuer) is one line naming the key.</summary>
internal sealed class SiloTlsOptionsValidator : IValidateOptions<SiloTlsOptions>
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    public ValidateOptionsResult Validate(string? name, SiloTlsOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        if (options.ReloadInterval <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"Silo:Tls:ReloadInterval must be positive (was {options.ReloadInterval}).");
        }

        if (string.IsNullOrWhiteSpace(options.Certificate))
        {
            return ValidateOptionsResult.Fail("Silo:Tls:Certificate must name the silo's certificate (PEM with Silo:Tls:Key, or a .pfx) when Silo:Tls is configured.");
        }

        try
        {
            var loaded = TlsCertificateFiles.Load(options.Files);
            using var certificate = loaded.Certificate;

            // A silo is both sides of its connections: it accepts them (server) and opens them to its peers (client).
            var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()).Select(o => o.Value).ToList();
            if (usages.Count > 0 && !(usages.Contains(ServerAuthentication) && usages.Contains(ClientAuthentication)))
            {
                return ValidateOptionsResult.Fail($"Silo:Tls:Certificate '{options.Certificate}' must allow both serverAuth and clientAuth (extended key usage), as a silo both accepts and opens connections.");
            }
        }
        catch (TlsFileException exception)
        {
            return ValidateOptionsResult.Fail(exception.Message);
        }

        return ValidateOptionsResult.Success;
    }
}
