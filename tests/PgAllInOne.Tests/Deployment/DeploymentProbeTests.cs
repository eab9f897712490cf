using System.Diagnostics;
using System.Globalization;
using System.Net;
using PgAllInOne.Tests.Infrastructure;

using static PgAllInOne.Tests.Deployment.DeploymentFiles;

namespace PgAllInOne.Tests.Deployment;

/// <summary>The probe paths of docker/ and k8s/ checked against the real silo, started the way a container starts it.</summary>
[Trait("Category", "EndToEnd")]
public sealed class DeploymentProbeTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IDisposable
{
    private const int SigTerm = 15;
    private readonly TempFolder data = new("pgaio-deploy");

    public void Dispose() => data.Dispose();

    [Fact]
    public async Task EveryProbePathOfTheDeploymentFiles_AnswersOk_OnASiloStartedWithTheComposeEnvironment()
    {
        var paths = DeploymentFileTests.ProbePaths();
        Assert.Contains(DeploymentFileTests.Readiness, paths);
        Assert.Contains(DeploymentFileTests.Liveness, paths);

        // silo1's environment from docker-compose.yml, with the addresses of this machine instead of the compose network.
        var port = Ports.Free();
        // Its connection strings come from secret files as in compose: here files of this machine's two roles.
        Directory.CreateDirectory(data.Path);
        var database = await postgres.CreateDatabaseAsync();
        var adminFile = Path.Combine(data.Path, "postgres-admin.connection");
        var servingFile = Path.Combine(data.Path, "postgres.connection");
        await File.WriteAllTextAsync(adminFile, database);
        await File.WriteAllTextAsync(servingFile, PostgresServer.Serving(database));
        var environment = new Dictionary<string, string>(ComposeEnvironment(ComposeSilos(Compose())[0].Service), StringComparer.Ordinal)
        {
            ["ConnectionStrings__PostgresAdmin_FILE"] = adminFile,
            ["ConnectionStrings__Postgres_FILE"] = servingFile,
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Silo__Port"] = "0",
            ["Silo__AdvertisedHost"] = "127.0.0.1",
            ["Silo__DataDirectory"] = data.Path,
        };
        environment.Remove("ConnectionStrings__Redis"); // no Redis on this machine; it is optional

        // The cluster ports' certificates as the compose instructions make them (docker/make-certificates.sh), where compose mounts them.
        var certificates = Path.Combine(data.Path, "tls");
        await CertificateScript.RunAsync(certificates);
        foreach (var key in environment.Keys.Where(key => environment[key].StartsWith("/run/secrets/", StringComparison.Ordinal)).ToList())
        {
            environment[key] = Path.Combine(certificates, environment[key]["/run/secrets/".Length..]);
        }

        using var silo = Processes.StartDotnet("PgAllInOne.Silo.dll", environment);
        var output = silo.StandardOutput.ReadToEndAsync();
        var errors = silo.StandardError.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (await TryGetAsync(http, DeploymentFileTests.Readiness) != HttpStatusCode.OK)
            {
                if (silo.HasExited)
                {
                    Assert.Fail($"the silo exited early: {await errors}");
                }

                Assert.True(DateTime.UtcNow < deadline, "the silo did not become ready in time");
                await Task.Delay(200);
            }

            foreach (var path in paths)
            {
                Assert.True(await TryGetAsync(http, path) == HttpStatusCode.OK, $"GET {path} should answer 200");
            }
        }
        finally
        {
            await StopAsync(silo);
            await Task.WhenAll(output, errors);
        }
    }

    private static async Task StopAsync(Process silo)
    {
        if (silo.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", [$"-{SigTerm}", silo.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await silo.WaitForExitAsync(exited.Token);
        }
        catch (OperationCanceledException)
        {
            silo.Kill(entireProcessTree: true);
            throw;
        }
    }

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            return response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
