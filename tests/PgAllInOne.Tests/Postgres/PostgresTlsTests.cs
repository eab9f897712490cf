using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Postgres;

/// <summary>
/// PostgreSQL over verified TLS: <c>SSL Mode=VerifyFull</c> with <c>Root Certificate</c> against a server started with
/// <c>ssl=on</c> and a certificate for "localhost" from a test authority; a certificate that does not verify stops the
/// silo with one line naming the server and the reason.
/// </summary>
public sealed class PostgresTlsTests(TlsPostgres postgres) : IClassFixture<TlsPostgres>
{
    [Fact]
    public async Task VerifyFull_WithTheRootCertificate_ConnectsOverTls_AndTheSilosDatabaseStarts()
    {
        var connectionString = postgres.VerifyFull("localhost", postgres.AuthorityFile);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection);
            Assert.Equal(true, await query.ExecuteScalarAsync());
        }

        await using var database = Database(connectionString);
        await database.StartAsync(CancellationToken.None);
        Assert.True(database.MigrationsApplied);
    }

    [Theory]
    [InlineData("own", "t")]
    [InlineData("foreign", "")]
    public async Task TheBackupsPrograms_VerifyTheServer_WithTheSilosRootCertificate(string authority, string ssl)
    {
        // What pg_receivewal and pg_basebackup are given (libpq; a replication connection names no database), tried with
        // psql of the same binaries.
        var connection = PgAllInOne.Postgres.Backups.ReplicationConnection.From(postgres.VerifyFull("localhost", authority == "own" ? postgres.AuthorityFile : postgres.ForeignAuthorityFile));
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(EmbeddedPostgres.FindBinDirectory()!, "psql"), ["--no-psqlrc", "--tuples-only", "--no-align", "--dbname", connection.ConnectionString + " dbname=postgres", "--command", "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in connection.Environment)
        {
            start.Environment[name] = value;
        }

        using var psql = System.Diagnostics.Process.Start(start)!;
        var output = await psql.StandardOutput.ReadToEndAsync();
        var error = await psql.StandardError.ReadToEndAsync();
        await psql.WaitForExitAsync();
        Assert.True(output.Trim() == ssl && (psql.ExitCode == 0) == (ssl == "t"), $"psql exit {psql.ExitCode}: {output}{error}");
        if (ssl == "")
        {
            Assert.Contains("certificate verify failed", error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("localhost", "foreign", "does not chain to Root Certificate")]
    [InlineData("127.0.0.1", "own", "it is for localhost, not for host '127.0.0.1'")]
    public async Task ACertificateThatDoesNotVerify_StopsTheDatabaseStart_WithOneLineNamingTheServerAndWhy(string host, string authority, string reason)
    {
        var connectionString = postgres.VerifyFull(host, authority == "own" ? postgres.AuthorityFile : postgres.ForeignAuthorityFile);
        await using var database = Database(connectionString);

        var refused = await Assert.ThrowsAsync<PostgresCertificateException>(() => database.StartAsync(CancellationToken.None));

        Assert.StartsWith($"PostgreSQL at {host}:{postgres.Port} (database pgallinone, SSL Mode=VerifyFull): the server's certificate does not verify: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(postgres.Password, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    private static PostgresDatabase Database(string connectionString) =>
        new(Options.Create(new PostgresDatabaseOptions { ConnectionString = connectionString, DataDirectory = Path.GetTempPath() }), NullLoggerFactory.Instance);
}
