using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Npgsql;

namespace PgAllInOne.Postgres;

/// <summary>
/// PostgreSQL's certificate did not verify (<c>SSL Mode=VerifyCA/VerifyFull</c>): the message is one line naming the
/// server (host, port, database; never the password) and why, found by asking the server for its certificate again
/// and checking it the way Npgsql does, since Npgsql's own exception only says that it was rejected.
/// </summary>
public sealed class PostgresCertificateException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>Whether <paramref name="exception"/> is Npgsql refusing the server's certificate.</summary>
    public static bool IsCertificateRefusal(Exception exception) =>
        exception is NpgsqlException && Causes(exception).Any(e => e is AuthenticationException);

    public static async Task<PostgresCertificateException> ExplainAsync(string connectionString, Exception refusal, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var where = $"PostgreSQL at {connection.Host}:{connection.Port} (database {connection.Database}, SSL Mode={connection.SslMode})";
        string reason;
        try
        {
            reason = await ReasonAsync(connection, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or SocketException or AuthenticationException or InvalidOperationException)
        {
            reason = Causes(refusal).Last().Message;
        }

        return new PostgresCertificateException($"{where}: the server's certificate does not verify: {reason}", refusal);
    }

    private static async Task<string> ReasonAsync(NpgsqlConnectionStringBuilder connection, CancellationToken cancellationToken)
    {
        var host = connection.Host?.Split(',')[0] ?? "localhost";
        using var tcp = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await tcp.ConnectAsync(host, connection.Port, timeout.Token);
        var stream = tcp.GetStream();

        // PostgreSQL's SSLRequest: length 8, code 80877103; the server answers 'S' and the TLS handshake follows.
        var request = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(request, 8);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), 80877103);
        await stream.WriteAsync(request, timeout.Token);
        var answer = new byte[1];
        if (await stream.ReadAsync(answer, timeout.Token) != 1 || answer[0] != (byte)'S')
        {
            return "the server does not offer TLS (ssl=off)";
        }

        string? reason = null;
        await using var tls = new SslStream(stream, leaveInnerStreamOpen: true);
        try
        {
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    {
                        reason = certificate is null ? "the server presented no certificate" : Judge(new X509Certificate2(certificate), host, connection, errors);
                        return false;
                    },
                },
                timeout.Token);
        }
        catch (AuthenticationException)
        {
            // Refused by the callback above, which said why.
        }

        return reason ?? "the TLS handshake failed";
    }

    private static string Judge(X509Certificate2 certificate, string host, NpgsqlConnectionStringBuilder connection, SslPolicyErrors errors)
    {
        var problems = new List<string>();
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!string.IsNullOrEmpty(connection.RootCertificate))
        {
            // As Npgsql does: Root Certificate is the only authority trusted.
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(connection.RootCertificate);
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        }

        if (!chain.Build(certificate))
        {
            var authority = string.IsNullOrEmpty(connection.RootCertificate) ? "the system's trusted authorities" : $"Root Certificate '{connection.RootCertificate}'";
            problems.Add($"{certificate.Subject} (issued by {certificate.Issuer}) does not chain to {authority} ({string.Join(", ", chain.ChainStatus.Select(s => s.Status))})");
        }

        if (connection.SslMode == SslMode.VerifyFull && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            problems.Add($"it is for {Names(certificate)}, not for host '{host}'");
        }

        return problems.Count > 0 ? string.Join("; ", problems) : $"{certificate.Subject} was refused ({errors})";
    }

    private static string Names(X509Certificate2 certificate)
    {
        var alternative = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var names = alternative is null ? [] : alternative.EnumerateDnsNames().Concat(alternative.EnumerateIPAddresses().Select(a => a.ToString())).ToList();
        return names.Count > 0 ? string.Join(", ", names) : certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
    }

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
