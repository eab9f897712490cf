using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PgAllInOne.Client;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Hosting.Tls;

/// <summary>
/// Two silos on one database whose cluster ports require mutual TLS with certificates of a test authority, the files
/// of that authority and of a foreign one, and clients and raw TLS connections to try them with.
/// </summary>
public sealed class TlsCluster : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"pgaio-tls-{Guid.NewGuid():N}");
    private readonly List<InProcessSilo> silos = [];

    public TestAuthority Authority { get; } = new("PgAllInOne test cluster CA");

    public TestAuthority Foreign { get; } = new("Someone else's CA");

    public string Folder => folder;

    public string AuthorityFile { get; private set; } = "";

    public string ConnectionString { get; private set; } = "";

    public string ClusterId { get; } = $"tls-{Guid.NewGuid():N}"[..20];

    /// <summary>The clock that paces the second silo's look at its files (advanced by the rotation test).</summary>
    public FakeTimeProvider TlsClock { get; } = new(DateTimeOffset.UtcNow);

    public IReadOnlyList<InProcessSilo> Silos => silos;

    /// <summary>The files of the second silo, which the rotation test rewrites.</summary>
    public (string Certificate, string Key) SecondSiloFiles { get; private set; }

    public async Task InitializeAsync()
    {
        AuthorityFile = Authority.WriteCertificate(Folder, "ca.crt");
        var server = await PostgresServer.InstanceAsync();
        ConnectionString = await server.CreateDatabaseAsync();
        using var first = Authority.IssueSilo("silo-1");
        using var second = Authority.IssueSilo("silo-2");
        silos.Add(await InProcessSilo.StartAsync(ConnectionString, ClusterId, SiloSettings(TestAuthority.Write(first, Folder, "silo-1"))));
        SecondSiloFiles = TestAuthority.Write(second, Folder, "silo-2");
        silos.Add(await InProcessSilo.StartAsync(ConnectionString, ClusterId, SiloSettings(SecondSiloFiles), TlsClock));
    }

    public Dictionary<string, string?> SiloSettings((string Certificate, string Key) files) => new()
    {
        ["Silo:Tls:Certificate"] = files.Certificate,
        ["Silo:Tls:Key"] = files.Key,
        ["Silo:Tls:CaCertificate"] = AuthorityFile,
        ["Silo:Tls:ReloadInterval"] = "00:00:05",
    };

    /// <summary>A started cluster client on the first silo's gateway; <paramref name="tls"/> null connects over plain TCP.</summary>
    public async Task<IHost> StartClientAsync(Action<PgAllInOneClientTlsOptions>? tls, TimeSpan? timeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddPgAllInOneClient(options =>
        {
            options.ClusterId = ClusterId;
            options.Gateways.Add($"127.0.0.1:{Silos[0].GatewayPort}");
            options.ResponseTimeout = TimeSpan.FromSeconds(10);
            tls?.Invoke(options.Tls);
        });
        var host = builder.Build();
        using var starting = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await host.StartAsync(starting.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>
    /// Opens a TCP connection to <paramref name="port"/>, makes a TLS handshake presenting <paramref name="certificate"/>
    /// (none when null) and says whether the silo kept the connection: it sends its side of Orleans' preamble or
    /// stays silent waiting for ours, where a refused one is closed or fails the handshake.
    /// </summary>
    public async Task<Handshake> HandshakeAsync(int port, X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        X509Certificate2? presented = null;
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = certificate is null ? null : [certificate],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, remote, _, _) =>
                {
                    presented = remote is null ? null : new X509Certificate2(remote);
                    return presented is not null && IssuedByAuthority(presented);
                },
            });

            // With TLS 1.3 the server judges the client's certificate after the client's side of the handshake is done:
            // its verdict is the next thing read (an alert and a close), or nothing while it waits for the preamble.
            var buffer = new byte[64];
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var read = await tls.ReadAsync(buffer, wait.Token);
            return new Handshake(read > 0, presented?.Subject);
        }
        catch (OperationCanceledException)
        {
            return new Handshake(true, presented?.Subject);
        }
        catch (Exception exception) when (exception is IOException or AuthenticationException or SocketException)
        {
            return new Handshake(false, presented?.Subject);
        }
    }

    private bool IssuedByAuthority(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>Sends plain bytes (not a TLS handshake) and says whether the connection stayed open.</summary>
    public static async Task<bool> PlainTcpKeptOpenAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        try
        {
            // What a plain Orleans peer sends first: the length of its preamble, then the preamble.
            await stream.WriteAsync(new byte[] { 0x20, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 });
            var buffer = new byte[64];
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (true)
            {
                if (await stream.ReadAsync(buffer, wait.Token) == 0)
                {
                    return false;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in Enumerable.Reverse(silos))
        {
            await silo.DisposeAsync();
        }

        Authority.Dispose();
        Foreign.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Whether the silo kept a TLS connection, and the subject of the certificate it presented.</summary>
    public sealed record Handshake(bool Accepted, string? ServerSubject);
}
