using Npgsql;
using PgAllInOne.Tests.Infrastructure;
using static PgAllInOne.Tests.Deployment.DeploymentFiles;

namespace PgAllInOne.Tests.Deployment;

/// <summary>
/// The deployments run the cluster ports with mutual TLS and PostgreSQL with ssl=on: every silo gets the three Silo:Tls
/// files from mounted secrets and verifies PostgreSQL's certificate, and the cert-manager overlay issues the Secrets the
/// k8s silos and the trial PostgreSQL mount (the HA compose file: <see cref="HaComposeTests"/>).
/// </summary>
public sealed class TlsDeploymentTests
{
    private const string Overlay = "cert-manager";

    private static readonly string[] TlsKeys = ["Silo__Tls__Certificate", "Silo__Tls__Key", "Silo__Tls__CaCertificate"];

    private static readonly string[] ClientUsages = ["digital signature", "key agreement", "client auth"];

    [Fact]
    public async Task ComposeSilos_ReadTheirTlsFilesFromMountedSecrets_AndVerifyPostgresAgainstTheClustersAuthority()
    {
        var compose = Compose();
        using var folder = new TempFolder("pgaio-tls-secrets");
        var generated = await GenerateSecretsAsync(folder.Path);
        var secrets = compose.Map("secrets");
        foreach (var (name, service) in ComposeSilos(compose))
        {
            var environment = ComposeEnvironment(service);
            var mounted = service.Items("secrets").Cast<string>().ToList();
            foreach (var key in TlsKeys)
            {
                var file = environment[key];
                Assert.StartsWith("/run/secrets/", file, StringComparison.Ordinal);
                var secret = file["/run/secrets/".Length..];
                Assert.True(mounted.Contains(secret), $"{name} reads {file} but does not mount the secret {secret}");
                Assert.StartsWith("./tls/", secrets[secret].Text("file"), StringComparison.Ordinal);
            }

            // Both connection strings, as docker/secrets/generate.sh writes their files.
            foreach (var variable in new[] { "ConnectionStrings__PostgresAdmin_FILE", "ConnectionStrings__Postgres_FILE" })
            {
                var secret = environment[variable]["/run/secrets/".Length..];
                Assert.Contains(secret, mounted);
                var connection = new NpgsqlConnectionStringBuilder(File.ReadAllText(Path.Combine(generated, Path.GetFileName(secrets[secret].Text("file")!))));
                Assert.Equal(SslMode.VerifyFull, connection.SslMode);
                Assert.Equal(environment["Silo__Tls__CaCertificate"], connection.RootCertificate);
            }
        }
    }

    [Fact]
    public void ComposePostgres_RunsWithSsl_OnTheCertificateMadeByTheScript()
    {
        var postgres = Compose().Map("services")["postgres"];
        var command = postgres.Text("command")!;
        Assert.Contains("-c ssl=on", command, StringComparison.Ordinal);
        Assert.Contains("-c ssl_cert_file=/var/lib/postgresql/server.crt", command, StringComparison.Ordinal);
        Assert.Contains("-c ssl_key_file=/var/lib/postgresql/server.key", command, StringComparison.Ordinal);
        Assert.Equal(["pgaio_serving_password", "postgres.crt", "postgres.key", "postgres_password"], postgres.Items("secrets").Cast<string>().Order());
        var entrypoint = string.Join(' ', postgres.Items("entrypoint").Cast<string>());
        Assert.Contains("install -m 0600 -o postgres -g postgres /run/secrets/postgres.key /var/lib/postgresql/server.key", entrypoint, StringComparison.Ordinal);
        Assert.Contains("exec docker-entrypoint.sh", entrypoint, StringComparison.Ordinal);

        // The script names the certificate files compose mounts (the passwords and connection strings: generate.sh).
        var script = Read("docker/make-certificates.sh");
        foreach (var secret in Compose().Map("secrets").Values.Select(s => s.Text("file")!).Where(file => file.StartsWith("./tls/", StringComparison.Ordinal)).Select(file => Path.GetFileName(file)))
        {
            Assert.Contains(Path.GetFileNameWithoutExtension(secret), script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void K8sPostgres_RunsWithSsl_FromTheSecretTheCertManagerOverlayIssues_WhichTheSilosVerify()
    {
        var manifests = Manifests();
        var pod = manifests.Named("StatefulSet", "postgres").At("spec", "template", "spec");
        var container = pod.Items("containers").Single();
        var arguments = container.Items("args").Cast<string>().ToList();
        var settings = arguments.Select((argument, index) => (argument, index)).Where(pair => pair.argument == "-c")
            .Select(pair => arguments[pair.index + 1].Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
        Assert.Equal("on", settings["ssl"]);

        // Both files come straight from one mounted Secret; its key as PostgreSQL takes a root-owned key: no group write,
        // nothing for others (0440), readable through the group that is the postgres account's (fsGroup).
        var mount = container.Items("volumeMounts").Single(m => settings["ssl_cert_file"].StartsWith(m.Text("mountPath") + "/", StringComparison.Ordinal));
        var folder = mount.Text("mountPath")!;
        Assert.Equal("true", mount.At("readOnly")?.ToString()?.ToLowerInvariant());
        var volume = pod.Items("volumes").Single(v => v.Text("name") == mount.Text("name"));
        var files = volume.Items("secret", "items").ToDictionary(item => $"{folder}/{item.Text("path")}", item => item.Text("key"));
        Assert.Equal("tls.crt", files[settings["ssl_cert_file"]]);
        Assert.Equal("tls.key", files[settings["ssl_key_file"]]);
        Assert.Equal("0440", volume.Text("secret", "defaultMode"));
        Assert.Null(volume.Items("secret", "items").FirstOrDefault(item => item.At("mode") is not null));
        Assert.Equal(pod.Text("securityContext", "runAsUser"), pod.Text("securityContext", "fsGroup"));

        // cert-manager issues that Secret from the silos' authority, for the host the silos' connection strings name.
        var issued = OverlayManifests(Overlay);
        var secretName = volume.Text("secret", "secretName");
        var certificate = issued.OfKind("Certificate").Single(c => c.Text("spec", "secretName") == secretName);
        Assert.Contains("server auth", certificate.Items("spec", "usages").Cast<string>());
        var siloCertificate = issued.OfKind("Certificate").Single(c => c.Text("spec", "secretName") == "pgallinone-silo-tls");
        Assert.Equal(siloCertificate.Text("spec", "issuerRef", "name"), certificate.Text("spec", "issuerRef", "name"));

        var authority = (string)manifests.Named("ConfigMap", "pgallinone-silo").Map("data")["Silo__Tls__CaCertificate"]!;
        var connections = manifests.Named("Secret", "pgallinone").Map("stringData");
        foreach (var key in new[] { "postgres-admin.connection", "postgres.connection" })
        {
            var connection = new NpgsqlConnectionStringBuilder((string)connections[key]!);
            Assert.Equal(SslMode.VerifyFull, connection.SslMode);
            Assert.Equal(authority, connection.RootCertificate);
            Assert.Equal("postgres", connection.Host);
            Assert.Contains(connection.Host, certificate.Items("spec", "dnsNames").Cast<string>());
            Assert.Contains(manifests.OfKind("Service"), service => service.Text("metadata", "name") == connection.Host);
        }
    }

    [Fact]
    public void K8sSilos_ReadTheirTlsFilesFromTheMountedSecret_ThatTheCertManagerOverlayIssues()
    {
        var manifests = Manifests();
        var (workload, container) = Assert.Single(SiloContainers(manifests));
        var settings = manifests.Named("ConfigMap", "pgallinone-silo").Map("data");
        var mount = container.Items("volumeMounts").Single(m => m.Text("name") == "tls");
        var folder = mount.Text("mountPath")!;
        Assert.Equal("true", mount.At("readOnly")?.ToString()?.ToLowerInvariant());
        var files = TlsKeys.Select(key => (string)settings[key]!).ToList();
        Assert.Equal([$"{folder}/tls.crt", $"{folder}/tls.key", $"{folder}/ca.crt"], files);
        var secretName = workload.Items("spec", "template", "spec", "volumes").Single(v => v.Text("name") == "tls").Text("secret", "secretName");

        var overlay = Yaml.LoadAll(FullPath($"k8s/{Overlay}/kustomization.yaml")).Single();
        Assert.Contains("../base", overlay.Items("resources").Cast<string>());
        var listed = overlay.Items("resources").Cast<string>().Where(r => r != "../base").Order();
        Assert.Equal(YamlFiles().Where(f => f.StartsWith($"k8s/{Overlay}/", StringComparison.Ordinal) && !f.EndsWith("/kustomization.yaml", StringComparison.Ordinal)).Select(Path.GetFileName).Order(), listed);

        var issued = OverlayManifests(Overlay);
        Assert.Equal(Manifests().Count + issued.Count, Kustomize.Build($"k8s/{Overlay}").Count);
        Assert.All(issued, m => Assert.Equal("pgallinone", m.Text("metadata", "namespace")));
        var silo = issued.OfKind("Certificate").Single(c => c.Text("spec", "secretName") == secretName);
        Assert.Contains("server auth", silo.Items("spec", "usages").Cast<string>());
        Assert.Contains("client auth", silo.Items("spec", "usages").Cast<string>());
        Assert.Equal("PKCS8", silo.Text("spec", "privateKey", "encoding"));

        // Issued by the cluster's own CA issuer, whose Secret is the CA Certificate's (so ca.crt in the silos' Secret is that CA).
        var issuer = issued.Named("Issuer", silo.Text("spec", "issuerRef", "name")!);
        var authority = issued.OfKind("Certificate").Single(c => c.Text("spec", "secretName") == issuer.Text("spec", "ca", "secretName"));
        Assert.Equal("true", authority.At("spec", "isCA")?.ToString()?.ToLowerInvariant());
        Assert.Contains(issued.OfKind("Certificate"), c => c.Items("spec", "usages").Cast<string>().SequenceEqual(ClientUsages));
    }
}
