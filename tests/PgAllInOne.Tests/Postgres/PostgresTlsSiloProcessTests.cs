using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Postgres;

/// <summary>The silo process on a PostgreSQL whose certificate does not verify: it stops at start with one line and exit code 1.</summary>
[Trait("Category", "EndToEnd")]
public sealed class PostgresTlsSiloProcessTests(TlsPostgres postgres) : IClassFixture<TlsPostgres>
{
    [Fact]
    public async Task ASiloOnAPostgresWhoseCertificateIsOfAnotherAuthority_ExitsWithCode1_AndOneLineNamingTheServerAndWhy()
    {
        using var folder = new TempFolder("pgaio-pgtls-silo");
        using var silo = Processes.StartDotnet(
            "PgAllInOne.Silo.dll",
            null,
            $"--ConnectionStrings:Postgres={postgres.VerifyFull("localhost", postgres.ForeignAuthorityFile)}",
            "--Urls=http://127.0.0.1:0",
            "--Silo:Port=0",
            "--Silo:GatewayPort=0",
            $"--Silo:DataDirectory={folder.Path}");
        var output = silo.StandardOutput.ReadToEndAsync();
        var errors = silo.StandardError.ReadToEndAsync();
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await silo.WaitForExitAsync(exited.Token);

        Assert.Equal(1, silo.ExitCode);
        var line = Assert.Single((await errors).Split('\n'), l => l.Contains("the server's certificate does not verify", StringComparison.Ordinal));
        Assert.StartsWith($"configuration error: PostgreSQL at localhost:{postgres.Port} (database pgallinone, SSL Mode=VerifyFull)", line, StringComparison.Ordinal);
        Assert.Contains("does not chain to Root Certificate", line, StringComparison.Ordinal);
        Assert.DoesNotContain(postgres.Password, await output + await errors, StringComparison.Ordinal);
    }
}
