using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Cli;

/// <summary>pgaio installs the way .NET command-line tools do: packed from the repository, installed into a tool path, run by name.</summary>
[Trait("Category", "EndToEnd")]
public sealed class CliToolTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Pgaio_PackedAsADotnetTool_InstallsIntoAToolPath_AndRunsACommandAgainstASilo()
    {
        using var home = new TempFolder("pgaio-tool");
        await using var silo = await SiloApp.StartAsync(await postgres.CreateDatabaseAsync());
        var feed = Path.Combine(home.Path, "feed");
        var tools = Path.Combine(home.Path, "tools");
        var version = $"1.0.0-test.{Guid.NewGuid():N}"; // a version no NuGet cache can hold already
        DotnetFeed.WriteConfig(home.Path, feed);

        var run = await DotnetFeed.RunAsync(
            null,
            $"dotnet pack client/PgAllInOne.Cli -c {DotnetFeed.BuildConfiguration} -o '{feed}' -p:Version={version} --no-build --no-restore", // from the test run's own build
            $"dotnet tool install PgAllInOne.Cli --tool-path '{tools}' --configfile '{home.Path}/nuget.config' --version {version}",
            $"'{tools}/pgaio' --help",
            $"'{tools}/pgaio' --url {silo.BaseAddress} --key {silo.AdminKey} status");

        Assert.Contains($"Tool 'pgallinone.cli' (version '{version}') was successfully installed.", run);
        Assert.Contains("pgaio: the PgAllInOne cluster from the command line", run);
        Assert.Contains("active", run);
    }
}
