using static PgAllInOne.Tests.Deployment.DeploymentFiles;

namespace PgAllInOne.Tests.Deployment;

/// <summary>
/// The two PostgreSQL roles and their secrets in docker/ and k8s/: every silo reads both connection strings from mounted
/// files, no environment variable holds a password, and PostgreSQL's init script is the same in both.
/// </summary>
public sealed class DeploymentSecretsTests
{
    private static readonly string[] ConnectionFiles = ["ConnectionStrings__PostgresAdmin_FILE", "ConnectionStrings__Postgres_FILE"];

    [Fact]
    public void ComposeSilos_ReadBothConnectionStringsFromTheirSecrets_AndNoServiceHasAPasswordInItsEnvironment()
    {
        var compose = Compose();
        var declared = compose.Map("secrets");
        foreach (var (name, service) in ComposeSilos(compose))
        {
            var environment = ComposeEnvironment(service);
            var mounted = service.Items("secrets").Cast<string>().ToList();
            foreach (var variable in ConnectionFiles)
            {
                var path = environment[variable];
                Assert.StartsWith("/run/secrets/", path, StringComparison.Ordinal);
                var secret = path["/run/secrets/".Length..];
                Assert.Contains(secret, mounted);
                Assert.True(declared.ContainsKey(secret), $"{name}: secret {secret} is not declared");
            }

            Assert.DoesNotContain("ConnectionStrings__Postgres", environment.Keys);
        }

        foreach (var (name, service) in compose.Map("services"))
        {
            var environment = ComposeEnvironment(service);
            Assert.DoesNotContain(environment, pair => pair.Value.Contains("Password=", StringComparison.OrdinalIgnoreCase) || (pair.Key.Contains("PASSWORD", StringComparison.Ordinal) && !pair.Key.EndsWith("_FILE", StringComparison.Ordinal) && name != "grafana"));
        }

        var postgres = compose.At("services", "postgres");
        Assert.Equal("/run/secrets/postgres_password", ComposeEnvironment(postgres)["POSTGRES_PASSWORD_FILE"]);
        Assert.Equal(["pgaio_serving_password", "postgres.crt", "postgres.key", "postgres_password"], postgres.Items("secrets").Cast<string>().Order());
        Assert.Contains("./postgres/init-roles.sh:/docker-entrypoint-initdb.d/init-roles.sh:ro", postgres.Items("volumes").Cast<string>());

        // generate.sh writes every file the secrets name (but the certificates: make-certificates.sh), and git keeps none of them.
        var generate = Read("docker/secrets/generate.sh");
        foreach (var (_, secret) in declared.Where(pair => !pair.Value.Text("file")!.StartsWith("./tls/", StringComparison.Ordinal)))
        {
            var file = secret.Text("file")!;
            Assert.StartsWith("./secrets/", file, StringComparison.Ordinal);
            Assert.Contains($"> {file["./secrets/".Length..]}", generate, StringComparison.Ordinal);
        }

        Assert.Contains("*", Read("docker/secrets/.gitignore").Split('\n'));
    }

    [Fact]
    public void K8sSilos_ReadBothConnectionStringsFromTheMountedSecret_AndPostgresItsPasswords()
    {
        var manifests = Manifests();
        var secret = manifests.Named("Secret", "pgallinone").Map("stringData");
        var (workload, container) = Assert.Single(SiloContainers(manifests));
        var variables = container.Items("env").ToDictionary(variable => variable.Text("name")!, variable => variable.Text("value"));
        var mount = container.Items("volumeMounts").Single(m => m.Text("name") == "secrets").Text("mountPath")!;
        var volume = workload.Items("spec", "template", "spec", "volumes").Single(v => v.Text("name") == "secrets");
        Assert.Equal("pgallinone", volume.Text("secret", "secretName"));
        foreach (var name in ConnectionFiles)
        {
            var path = variables[name]!;
            Assert.StartsWith(mount + "/", path, StringComparison.Ordinal);
            var key = Assert.Single(volume.Items("secret", "items"), item => item.Text("path") == path[(mount.Length + 1)..]).Text("key")!;
            Assert.Contains("Password=", secret[key] as string, StringComparison.Ordinal);
        }

        Assert.Contains("Username=pgaio_app", secret["postgres.connection"] as string, StringComparison.Ordinal);
        Assert.DoesNotContain("ConnectionStrings__Postgres", variables.Keys);

        var postgres = manifests.Named("StatefulSet", "postgres").Items("spec", "template", "spec", "containers").Single();
        var postgresVariables = postgres.Items("env").ToDictionary(variable => variable.Text("name")!, variable => variable.Text("value"));
        Assert.EndsWith("/postgres-password", postgresVariables["POSTGRES_PASSWORD_FILE"], StringComparison.Ordinal);
        Assert.EndsWith("/serving-password", postgresVariables["PGAIO_SERVING_PASSWORD_FILE"], StringComparison.Ordinal);
        Assert.Equal(Read("docker/postgres/init-roles.sh"), manifests.Named("ConfigMap", "postgres-init").Text("data", "init-roles.sh"));
    }
}
