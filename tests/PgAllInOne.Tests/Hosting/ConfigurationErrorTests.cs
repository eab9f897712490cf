using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Hosting;

/// <summary>A silo process with a bad configuration value stops at once: one line per problem, exit code 1, no stack trace.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ConfigurationErrorTests : IDisposable
{
    private readonly TempFolder folder = new("pgaio-config");

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("--Silo:Port=abc", "configuration error: Silo:Port is 'abc', but must be a whole number.")]
    [InlineData("--Runtime:ResponseTimeout=soon", "configuration error: Runtime:ResponseTimeout is 'soon', but must be a duration such as 00:00:30 ([d.]hh:mm:ss[.fffffff]).")]
    [InlineData("--Membership:NumMissedProbesLimit=two", "configuration error: Membership:NumMissedProbesLimit is 'two', but must be a whole number.")]
    [InlineData("--Silo:Port=70000", "configuration error: Silo:Port must be between 0 and 65535 (was 70000).")]
    public async Task ABadValue_StopsTheSiloWithOneLineNamingTheKeyTheValueAndWhatIsAccepted(string setting, string expected)
    {
        var (exitCode, lines) = await RunSiloAsync(setting);

        Assert.Equal(1, exitCode);
        Assert.Equal([expected], lines);
    }

    [Fact]
    public async Task SeveralFailedValidations_GiveOneLineEach()
    {
        var (exitCode, lines) = await RunSiloAsync("--Silo:Port=70000", "--Silo:MaxPoolSize=0", "--Runtime:ResponseTimeout=-00:00:01");

        Assert.Equal(1, exitCode);
        string[] expected =
        [
            "configuration error: Runtime:ResponseTimeout must be a positive duration (was -00:00:01).",
            "configuration error: Silo:MaxPoolSize must be between 1 and 1000 (was 0).",
            "configuration error: Silo:Port must be between 0 and 65535 (was 70000).",
        ];
        Assert.Equal(expected, lines.Order(StringComparer.Ordinal));
    }

    private async Task<(int ExitCode, string[] Lines)> RunSiloAsync(params string[] settings)
    {
        using var silo = Processes.StartDotnet(
            "PgAllInOne.Silo.dll",
            null,
            ["--Urls=http://127.0.0.1:0", $"--Silo:DataDirectory={folder.Path}", .. settings]);
        var output = silo.StandardOutput.ReadToEndAsync();
        var errors = silo.StandardError.ReadToEndAsync();
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await silo.WaitForExitAsync(exited.Token);
        var lines = (await output + await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (silo.ExitCode, lines);
    }
}
