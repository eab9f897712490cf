using Microsoft.Extensions.DependencyInjection;
using PgAllInOne.Client;
using PgAllInOne.Hosting.Tls;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Deployment;

/// <summary>The openssl commands of docker/make-certificates.sh (README "Security") make files that a silo and a client take.</summary>
public sealed class CertificateScriptTests : IDisposable
{
    private readonly TempFolder folder = new("pgaio-certs");

    public void Dispose() => folder.Dispose();

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task TheScriptsCertificates_AreTakenBySiloAndClient_AndTheKeysTheyNeedAreTheirsAlone()
    {
        await CertificateScript.RunAsync(folder.Path);
        string File(string name) => Path.Combine(folder.Path, name);

        var silo = new SiloTlsOptions { Certificate = File("silo.crt"), Key = File("silo.key"), CaCertificate = File("ca.crt") };
        Assert.True(new SiloTlsOptionsValidator().Validate(null, silo).Succeeded);

        // A client certificate is not a silo's: it cannot accept connections.
        var wrong = new SiloTlsOptions { Certificate = File("client.crt"), Key = File("client.key"), CaCertificate = File("ca.crt") };
        Assert.Contains("serverAuth and clientAuth", new SiloTlsOptionsValidator().Validate(null, wrong).FailureMessage, StringComparison.Ordinal);

        // A key of another certificate is named as such.
        var mismatched = new SiloTlsOptions { Certificate = File("silo.crt"), Key = File("client.key"), CaCertificate = File("ca.crt") };
        Assert.Contains("is not the private key of Silo:Tls:Certificate", new SiloTlsOptionsValidator().Validate(null, mismatched).FailureMessage, StringComparison.Ordinal);

        new ServiceCollection().AddPgAllInOneClient(options =>
        {
            options.Gateways.Add("127.0.0.1:30000");
            options.Tls.Certificate = File("client.crt");
            options.Tls.Key = File("client.key");
            options.Tls.CaCertificate = File("ca.crt");
        });

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(File("ca.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, System.IO.File.GetUnixFileMode(folder.Path));
    }
}
