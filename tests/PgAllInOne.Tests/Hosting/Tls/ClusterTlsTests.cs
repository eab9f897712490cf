using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PgAllInOne.Client;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Hosting.Tls;

/// <summary>
/// Mutual TLS on the cluster ports (Silo:Tls:*): two silos in this process on real TCP ports, clustered through
/// PostgreSQL, with certificates of a test authority; clients, raw TLS connections, plain TCP and a silo without a
/// certificate try to get in.
/// </summary>
public sealed class ClusterTlsTests(TlsCluster cluster) : IClassFixture<TlsCluster>
{
    [Fact]
    public async Task TwoTlsSilos_FormACluster_AndServeAClientWithACertificateOfTheirAuthority()
    {
        using var certificate = cluster.Authority.IssueClient("app");
        var files = TestAuthority.Write(certificate, cluster.Folder, "app");
        using var client = await cluster.StartClientAsync(tls =>
        {
            tls.Certificate = files.Certificate;
            tls.Key = files.Key;
            tls.CaCertificate = cluster.AuthorityFile;
        });
        var grains = client.Services.GetRequiredService<IGrainFactory>();

        // Both silos are active members: they probe each other over their TLS silo ports.
        var management = grains.GetGrain<IManagementGrain>(0);
        await Eventually.TrueAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 2, "both TLS silos to be active", TimeSpan.FromSeconds(30));

        // Silo-to-silo messages: the management grain asks each silo for its statistics.
        var hosts = (await management.GetHosts(onlyActive: true)).Keys.ToArray();
        Assert.Equal(2, (await management.GetRuntimeStatistics(hosts)).Length);

        var created = await grains.GetGrain<IUserRegistryGrain>("tls").Create(new NewUser($"tls-{Guid.NewGuid():N}", "tls@example.com"));
        var user = grains.GetGrain<IUserGrain>(created.Id);
        Assert.Equal(1, await user.RecordEvents([new NewEvent("signup")]));
        Assert.Equal(1, (await user.Get())?.EventCount);

        // Said once, as each silo started.
        Assert.All(cluster.Silos, silo => Assert.Single(silo.Log, line => line.Contains("require mutual TLS", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AClientOverPlainTcp_IsRefused()
    {
        // Orleans' client keeps trying a gateway that hangs up on it; in eight seconds it never gets in.
        await Assert.ThrowsAnyAsync<Exception>(() => cluster.StartClientAsync(tls: null, TimeSpan.FromSeconds(8)));
        Assert.False(await TlsCluster.PlainTcpKeptOpenAsync(cluster.Silos[0].GatewayPort), "the gateway kept a plain TCP connection");
        Assert.False(await TlsCluster.PlainTcpKeptOpenAsync(cluster.Silos[0].SiloPort), "the silo port kept a plain TCP connection");
    }

    [Fact]
    public async Task AClientWithACertificateOfAnotherAuthority_IsRefused()
    {
        using var certificate = cluster.Foreign.IssueClient("intruder");
        var files = TestAuthority.Write(certificate, cluster.Folder, "intruder");
        var foreignAuthority = cluster.Foreign.WriteCertificate(cluster.Folder, "foreign-ca.crt");

        // The intruder trusts its own authority, so its client fails only because the silo refuses it.
        await Assert.ThrowsAnyAsync<Exception>(() => cluster.StartClientAsync(tls =>
        {
            tls.Certificate = files.Certificate;
            tls.Key = files.Key;
            tls.CaCertificate = cluster.AuthorityFile;
        }));
        Assert.False((await cluster.HandshakeAsync(cluster.Silos[0].GatewayPort, certificate)).Accepted, "the gateway kept a connection with a foreign certificate");
        Assert.False((await cluster.HandshakeAsync(cluster.Silos[1].SiloPort, certificate)).Accepted, "the silo port kept a connection with a foreign certificate");

        // And a client of the cluster refuses a silo whose certificate is not of the authority it was given.
        Assert.Contains("is not issued by", Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddPgAllInOneClient(options =>
        {
            options.Gateways.Add("127.0.0.1:1");
            options.Tls.Certificate = files.Certificate;
            options.Tls.Key = files.Key;
            options.Tls.CaCertificate = cluster.AuthorityFile;
        })).Message, StringComparison.Ordinal);
        Assert.NotNull(foreignAuthority);
    }

    [Fact]
    public async Task ATlsConnectionWithoutAClientCertificate_IsRefused_WhereOneWithACertificateOfTheAuthorityIsKept()
    {
        using var certificate = cluster.Authority.IssueClient("raw");

        Assert.False((await cluster.HandshakeAsync(cluster.Silos[0].GatewayPort, null)).Accepted, "the gateway kept a connection without a client certificate");
        Assert.False((await cluster.HandshakeAsync(cluster.Silos[0].SiloPort, null)).Accepted, "the silo port kept a connection without a client certificate");
        var kept = await cluster.HandshakeAsync(cluster.Silos[0].GatewayPort, certificate);
        Assert.True(kept.Accepted, "the gateway refused a certificate of its own authority");
        Assert.Equal("CN=silo-1", kept.ServerSubject);
    }

    [Fact]
    public async Task ASiloWithoutACertificate_CannotJoinTheTlsCluster()
    {
        var settings = new Dictionary<string, string?> { ["Membership:MaxJoinAttemptTime"] = "00:00:08" };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var plain = await InProcessSilo.StartAsync(cluster.ConnectionString, cluster.ClusterId, settings, cancellationToken: timeout.Token);
        });

        // The TLS silos go on as the two active members.
        var membership = cluster.Silos[0].Services.GetRequiredService<Orleans.Runtime.IClusterMembershipService>();
        Assert.Equal(2, membership.CurrentSnapshot.Members.Values.Count(m => m.Status == Orleans.Runtime.SiloStatus.Active));
    }

    [Fact]
    public async Task ARenewedCertificate_IsPresentedOnceTheFilesAreLookedAtAgain_WithoutARestart()
    {
        using var certificate = cluster.Authority.IssueClient("rotation");
        var port = cluster.Silos[1].GatewayPort;
        Assert.Equal("CN=silo-2", (await cluster.HandshakeAsync(port, certificate)).ServerSubject);

        using var renewed = cluster.Authority.IssueSilo("silo-2-renewed");
        var files = TestAuthority.Write(renewed, cluster.Folder, "silo-2-renewed");
        File.Copy(files.Certificate, cluster.SecondSiloFiles.Certificate, overwrite: true);
        File.Copy(files.Key, cluster.SecondSiloFiles.Key, overwrite: true);
        File.SetLastWriteTimeUtc(cluster.SecondSiloFiles.Certificate, DateTime.UtcNow.AddSeconds(1));

        // Not before the reload interval has passed on the silo's clock...
        Assert.Equal("CN=silo-2", (await cluster.HandshakeAsync(port, certificate)).ServerSubject);

        // ...and then by the next handshake.
        cluster.TlsClock.Advance(TimeSpan.FromSeconds(6));
        var after = await cluster.HandshakeAsync(port, certificate);
        Assert.True(after.Accepted);
        Assert.Equal("CN=silo-2-renewed", after.ServerSubject);
        Assert.Contains(cluster.Silos[1].Log, line => line.Contains("now presenting CN=silo-2-renewed", StringComparison.Ordinal));
    }
}
