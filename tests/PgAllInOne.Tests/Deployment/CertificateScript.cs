using System.Diagnostics;

namespace PgAllInOne.Tests.Deployment;

/// <summary>Runs docker/make-certificates.sh (openssl) as the README tells an operator to.</summary>
public static class CertificateScript
{
    public static async Task RunAsync(string folder, string? postgresHosts = null)
    {
        var start = new ProcessStartInfo("bash", [DeploymentFiles.FullPath("docker/make-certificates.sh"), folder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (postgresHosts is not null)
        {
            start.Environment["PG_HOSTS"] = postgresHosts;
        }

        using var script = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = script.StandardOutput.ReadToEndAsync();
        var errors = script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync();
        Assert.True(script.ExitCode == 0, $"make-certificates.sh failed ({script.ExitCode}): {await output}{await errors}");
    }
}
