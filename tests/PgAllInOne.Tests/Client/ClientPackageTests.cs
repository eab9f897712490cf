using System.IO.Compression;
using Npgsql;
using PgAllInOne.Tests.Deployment;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Client;

/// <summary>
/// A .NET app gets PgAllInOne as packages: PgAllInOne.Client and PgAllInOne.GrainInterfaces packed into a folder, the
/// sample app (client/PgAllInOne.Sample) built against that folder alone, run against a silo.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ClientPackageTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task TheSampleApp_BuiltAgainstThePackedPackages_CreatesAUserAndAppendsEvents_ThroughASilo()
    {
        using var home = new TempFolder("pgaio-packages");
        var database = await postgres.CreateDatabaseAsync();
        await using var silo = await SiloApp.StartAsync(database, new Dictionary<string, string?> { ["Silo:GatewayPort"] = "0" });
        var feed = Path.Combine(home.Path, "feed");
        var sample = Path.Combine(home.Path, "sample");
        var version = $"1.0.0-test.{Guid.NewGuid():N}"; // a version no NuGet cache can hold already
        CopyWithoutBuildOutput(DeploymentFiles.FullPath("client/PgAllInOne.Sample"), sample);
        DotnetFeed.WriteConfig(sample, feed); // in place of the sample's own: the feed is the only source

        // Packed from the Release build the test run itself was built from (no second compile of the same sources).
        var pack = $"-c {DotnetFeed.BuildConfiguration} -o '{feed}' -p:Version={version} --no-build --no-restore";
        var run = await DotnetFeed.RunAsync(
            null,
            $"dotnet pack client/PgAllInOne.Client {pack}",
            $"dotnet pack grain-interfaces/PgAllInOne.GrainInterfaces {pack}",
            $"NUGET_PACKAGES='{home.Path}/packages' dotnet build '{sample}' -c Release -p:PgAllInOneVersion={version}",
            $"dotnet '{sample}/bin/Release/net10.0/PgAllInOne.Sample.dll' '--ConnectionStrings:Postgres={database}'");

        foreach (var package in new[] { "PgAllInOne.Client", "PgAllInOne.GrainInterfaces" })
        {
            using var nupkg = ZipFile.OpenRead(Path.Combine(feed, $"{package}.{version}.nupkg"));
            Assert.Superset(new HashSet<string> { "README.md", $"lib/net10.0/{package}.dll", $"lib/net10.0/{package}.xml" }, nupkg.Entries.Select(e => e.FullName).ToHashSet());
        }

        Assert.True(Directory.Exists(Path.Combine(home.Path, "packages", "pgallinone.client", version)), "the sample restored PgAllInOne.Client from the feed");
        Assert.Matches(@"user \d+ sample\.[0-9a-f]+: 2 events \(page-view, signup\)", run);

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT event_count FROM users WHERE username LIKE 'sample.%'", connection);
        Assert.Equal(2L, await command.ExecuteScalarAsync());
    }

    private static void CopyWithoutBuildOutput(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.EnumerateDirectories(from).Where(f => Path.GetFileName(f) is not ("bin" or "obj")))
        {
            CopyWithoutBuildOutput(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }
}
