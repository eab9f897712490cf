using Microsoft.Extensions.Configuration;
using PgAllInOne.Silo;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Hosting;

public sealed class SecretFilesTests : IDisposable
{
    private readonly TempFolder temp = new("pgaio-secret-files");

    public SecretFilesTests() => Directory.CreateDirectory(temp.Path);

    public void Dispose() => temp.Dispose();

    [Fact]
    public void ASectionsKeyFile_BecomesTheKey_WithoutItsLineBreak_AndOtherProgramsFilesAreLeftAlone()
    {
        var file = Path.Combine(temp.Path, "postgres");
        File.WriteAllText(file, "Host=db;Username=pgaio_app;Password=from-a-file\n");
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres_FILE"] = file,
            ["ConnectionStrings:Postgres"] = "Host=overridden",
            ["SSL_CERT_FILE"] = Path.Combine(temp.Path, "not-ours-and-missing"),
        });

        configuration.AddSecretFiles();

        Assert.Equal("Host=db;Username=pgaio_app;Password=from-a-file", configuration.GetConnectionString("Postgres"));
        Assert.Null(configuration["SSL_CERT"]);
    }

    [Fact]
    public void AnUnreadableFile_IsAnErrorNamingTheSettingAndTheFile()
    {
        var configuration = new ConfigurationManager();
        var missing = Path.Combine(temp.Path, "missing");
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:PostgresAdmin_FILE"] = missing });

        var error = Assert.Throws<SecretFileException>(() => configuration.AddSecretFiles());

        Assert.Contains("ConnectionStrings:PostgresAdmin_FILE", error.Message, StringComparison.Ordinal);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}
