using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace PgAllInOne.Tls;

/// <summary>
/// One side's TLS identity read from files: its certificate with the private key (PEM certificate + PEM key, or a PFX)
/// and the certificate authorities (a PEM bundle) whose certificates it accepts from the other side. The files are
/// looked at again at most once per <c>reloadInterval</c> (on the given clock) and read anew when one of them changed,
/// so that a renewed certificate (cert-manager, a mounted Secret) is used by the next handshake without a restart; a
/// half-written or mismatched renewal is logged and the last good files are kept. Compiled into the silo's hosting and
/// into the client package alike.
/// </summary>
internal sealed partial class TlsCertificateFiles
{
    private readonly TlsFilePaths paths;
    private readonly TimeProvider clock;
    private readonly TimeSpan reloadInterval;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private Loaded loaded;
    private DateTimeOffset checkedAt;
    private string? refusedStamp;

    /// <summary>Reads the files now; a problem with them throws <see cref="TlsFileException"/> naming the file and what is wrong.</summary>
    public TlsCertificateFiles(TlsFilePaths paths, TimeProvider clock, TimeSpan reloadInterval, ILogger logger)
    {
        (this.paths, this.clock, this.reloadInterval, this.logger) = (paths, clock, reloadInterval, logger);
        loaded = Load(paths);
        checkedAt = clock.GetUtcNow();
    }

    /// <summary>The certificate (with its key) to present, as of the last look at the files.</summary>
    public X509Certificate2 Certificate => Current().Certificate;

    /// <summary>The authorities the other side's certificate must chain to.</summary>
    public X509Certificate2Collection Authorities => Current().Authorities;

    /// <summary>
    /// Whether <paramref name="remote"/> was issued by one of the configured authorities (only those: the system's
    /// store is not asked), is valid now and is meant for TLS. Host names are not compared: the cluster's members are
    /// reached by address, and holding a certificate of the cluster's own authority is what admits them.
    /// </summary>
    public bool Accepts(X509Certificate2 remote)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = clock.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (chain.Build(remote))
        {
            return true;
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status));
            LogRemoteRefused(logger, remote.Subject, status);
        }

        return false;
    }

    /// <summary>Reads a certificate with its private key and the authorities; throws <see cref="TlsFileException"/> with one line naming what is wrong.</summary>
    public static Loaded Load(TlsFilePaths paths)
    {
        var certificate = LoadCertificate(paths);
        var authorities = LoadAuthorities(paths);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(certificate))
        {
            throw new TlsFileException(
                $"{paths.CertificateKey} '{paths.Certificate}' ({certificate.Subject}) is not issued by {paths.AuthorityKey} '{paths.Authority}' or is not valid now: {string.Join(", ", chain.ChainStatus.Select(s => s.Status))}.");
        }

        return new Loaded(certificate, authorities, Stamp(paths));
    }

    private static X509Certificate2 LoadCertificate(TlsFilePaths paths)
    {
        Require(paths.CertificateKey, paths.Certificate);
        try
        {
            if (paths.IsPkcs12)
            {
                var pfx = X509CertificateLoader.LoadPkcs12FromFile(paths.Certificate, paths.Password, X509KeyStorageFlags.EphemeralKeySet);
                return pfx.HasPrivateKey ? pfx : throw new TlsFileException($"{paths.CertificateKey} '{paths.Certificate}' holds no private key.");
            }
        }
        catch (CryptographicException exception)
        {
            throw new TlsFileException($"{paths.CertificateKey} '{paths.Certificate}' is not a PFX readable with {paths.PasswordKey}: {exception.Message}");
        }

        if (string.IsNullOrWhiteSpace(paths.Key))
        {
            throw new TlsFileException($"{paths.KeyKey} must name the PEM private key of {paths.CertificateKey} '{paths.Certificate}'.");
        }

        Require(paths.KeyKey, paths.Key);
        X509Certificate2 publicPart;
        try
        {
            publicPart = X509Certificate2.CreateFromPem(File.ReadAllText(paths.Certificate));
        }
        catch (CryptographicException)
        {
            throw new TlsFileException($"{paths.CertificateKey} '{paths.Certificate}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }

        using (publicPart)
        {
            var keyText = File.ReadAllText(paths.Key);
            if (!keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            {
                throw new TlsFileException($"{paths.KeyKey} '{paths.Key}' holds no PEM private key (-----BEGIN PRIVATE KEY-----).");
            }

            try
            {
                var withKey = string.IsNullOrEmpty(paths.Password)
                    ? X509Certificate2.CreateFromPemFile(paths.Certificate, paths.Key)
                    : X509Certificate2.CreateFromEncryptedPemFile(paths.Certificate, paths.Password, paths.Key);

                // A key held only in memory cannot be used by the TLS stack on every platform; a PFX round trip gives it a home.
                using (withKey)
                {
                    return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null, X509KeyStorageFlags.EphemeralKeySet);
                }
            }
            catch (CryptographicException)
            {
                throw new TlsFileException($"{paths.KeyKey} '{paths.Key}' is not the private key of {paths.CertificateKey} '{paths.Certificate}' ({publicPart.Subject}), or cannot be read{(string.IsNullOrEmpty(paths.Password) ? "" : $" with {paths.PasswordKey}")}.");
            }
        }
    }

    private static X509Certificate2Collection LoadAuthorities(TlsFilePaths paths)
    {
        if (string.IsNullOrWhiteSpace(paths.Authority))
        {
            throw new TlsFileException($"{paths.AuthorityKey} must name the PEM certificate of the authority whose certificates are accepted.");
        }

        Require(paths.AuthorityKey, paths.Authority);
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(paths.Authority);
        }
        catch (CryptographicException)
        {
            throw new TlsFileException($"{paths.AuthorityKey} '{paths.Authority}' holds no PEM certificate.");
        }

        if (authorities.Count == 0)
        {
            throw new TlsFileException($"{paths.AuthorityKey} '{paths.Authority}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }

        return authorities;
    }

    private static void Require(string key, string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            throw new TlsFileException($"{key} names '{path}', which is not a file.");
        }
    }

    // What tells a renewed file from the one already read: modification time and size of each (following symbolic
    // links, which is how Kubernetes swaps a mounted Secret's files).
    private static string Stamp(TlsFilePaths paths) =>
        string.Join('|', new[] { paths.Certificate, paths.Key, paths.Authority }
            .Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => new FileInfo(p!))
            .Select(f => f.Exists ? $"{f.LastWriteTimeUtc.Ticks}:{f.Length}" : "missing"));

    private Loaded Current()
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            if (now - checkedAt < reloadInterval)
            {
                return loaded;
            }

            checkedAt = now;
            var stamp = Stamp(paths);
            if (stamp == loaded.Stamp || stamp == refusedStamp)
            {
                return loaded;
            }

            try
            {
                loaded = Load(paths);
                refusedStamp = null;
                LogReloaded(logger, paths.Certificate, loaded.Certificate.Subject, loaded.Certificate.Thumbprint, loaded.Certificate.NotAfter);
            }
            catch (Exception exception) when (exception is TlsFileException or IOException or UnauthorizedAccessException)
            {
                // Between the writes of a renewal the files may not match yet: the next look after the last write takes them.
                refusedStamp = stamp;
                LogReloadRefused(logger, exception.Message);
            }

            return loaded;
        }
    }

    /// <summary>A certificate with its key, the authorities, and the files' stamp they were read at.</summary>
    internal sealed record Loaded(X509Certificate2 Certificate, X509Certificate2Collection Authorities, string Stamp);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Information, Message = "TLS certificate files changed: now presenting {Subject} ({Thumbprint}, valid until {NotAfter:u}) read from {Path}")]
    private static partial void LogReloaded(ILogger logger, string path, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "TLS certificate files changed but cannot be used, the previous certificate stays: {Reason}")]
    private static partial void LogReloadRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Debug, Message = "TLS connection refused: the certificate {Subject} does not chain to the configured authority ({Status})")]
    private static partial void LogRemoteRefused(ILogger logger, string subject, string status);
}

/// <summary>The files of one TLS identity and the configuration keys that named them (for the messages).</summary>
internal sealed record TlsFilePaths(
    string Certificate,
    string? Key,
    string? Password,
    string? Authority,
    string CertificateKey,
    string KeyKey,
    string PasswordKey,
    string AuthorityKey)
{
    public bool IsPkcs12 => Certificate.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || Certificate.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A TLS file that is missing, unreadable or does not fit the others; the message is one line naming the key and the file.</summary>
internal sealed class TlsFileException(string message) : Exception(message);
