using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Postgres;

/// <summary>
/// A PostgreSQL of its own for a test class, started with <c>ssl=on</c> and a server certificate for "localhost" (only)
/// issued by a test authority; the files of that authority and of a foreign one.
/// </summary>
public sealed class TlsPostgres : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"pgaio-pgtls-{Guid.NewGuid():N}");
    private EmbeddedPostgres server = null!;

    public TestAuthority Authority { get; } = new("PgAllInOne test database CA");

    public TestAuthority Foreign { get; } = new("Another CA");

    public string AuthorityFile { get; private set; } = "";

    public string ForeignAuthorityFile { get; private set; } = "";

    public int Port => new NpgsqlConnectionStringBuilder(server.ConnectionString).Port;

    public string Password => new NpgsqlConnectionStringBuilder(server.ConnectionString).Password!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        AuthorityFile = Authority.WriteCertificate(folder, "ca.crt");
        ForeignAuthorityFile = Foreign.WriteCertificate(folder, "foreign-ca.crt");
        using var certificate = Authority.IssueServer("postgres", "localhost");
        var (certificateFile, keyFile) = TestAuthority.Write(certificate, folder, "server");
        if (Environment.UserName == "root")
        {
            // As root the embedded server runs as the postgres account, which must own its key (mode 0600).
            using var chown = Process.Start("chown", ["postgres:postgres", certificateFile, keyFile]);
            await chown.WaitForExitAsync();
        }

        server = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions
            {
                DataDirectory = Path.Combine(folder, "data"),
                Settings = new Dictionary<string, string>
                {
                    ["ssl"] = "on",
                    ["ssl_cert_file"] = certificateFile,
                    ["ssl_key_file"] = keyFile,
                    ["fsync"] = "off",
                },
            },
            NullLogger.Instance);
    }

    /// <summary>The server's connection string with <c>SSL Mode=VerifyFull</c>, the given host and root certificate.</summary>
    public string VerifyFull(string host, string rootCertificate) =>
        new NpgsqlConnectionStringBuilder(server.ConnectionString) { Host = host, SslMode = SslMode.VerifyFull, RootCertificate = rootCertificate }.ConnectionString;

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Authority.Dispose();
        Foreign.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
