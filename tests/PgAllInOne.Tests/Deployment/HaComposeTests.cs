using System.Security.Cryptography.X509Certificates;
using Npgsql;
using PgAllInOne.Tests.Infrastructure;

using static PgAllInOne.Tests.Deployment.DeploymentFiles;

namespace PgAllInOne.Tests.Deployment;

/// <summary>
/// docker/docker-compose.ha.yml and the Patroni image of docker/patroni cannot be run here (no Docker engine); these
/// tests pin what they must agree on with each other, with docker-compose.yml and with what worked on a real cluster.
/// <see cref="PatroniImageConfigTests"/> starts a cluster from the image's own configuration.
/// </summary>
public sealed class HaComposeTests
{
    public const string HaComposeFile = "docker/docker-compose.ha.yml";
    public const string PatroniDockerfile = "docker/patroni/Dockerfile";
    public const string PatroniConfig = "docker/patroni/patroni.yml";
    public const string PatroniImage = "pgallinone/patroni:latest";

    private static readonly string[] DebianPackages = ["postgresql-15", "patroni", "etcd-server"];

    [Fact]
    public async Task HaSilos_AreTheComposeSilos_GivenEveryPatroniHost()
    {
        var single = Compose();
        var compose = Compose(HaComposeFile);
        var singleSilos = ComposeSilos(single).ToDictionary(silo => silo.Name, silo => silo.Service);
        var silos = ComposeSilos(compose);
        Assert.Equal(singleSilos.Keys.Order(), silos.Select(silo => silo.Name).Order());

        var nodes = PatroniNodes(compose).ToDictionary(node => node.Name, node => node.Service);
        Assert.Equal(3, nodes.Count);
        foreach (var (name, service) in silos)
        {
            // The same settings and the same secrets: both connection strings are files, never environment values.
            var environment = ComposeEnvironment(service);
            Assert.Equal(ComposeEnvironment(singleSilos[name]).OrderBy(pair => pair.Key), environment.OrderBy(pair => pair.Key));
            Assert.DoesNotContain("ConnectionStrings__Postgres", environment.Keys);
            Assert.Equal(singleSilos[name].Items("secrets"), service.Items("secrets"));
            Assert.Equal(singleSilos[name].Items("ports"), service.Items("ports"));
            Assert.Equal(singleSilos[name].Items("volumes"), service.Items("volumes"));
            foreach (var dependency in nodes.Keys.Append("redis"))
            {
                Assert.True(service.Text("depends_on", dependency, "condition") == "service_healthy", $"{name} must wait for a healthy {dependency}");
            }
        }

        // The secret files as generate.sh writes them: the HA connection strings are the compose ones (same accounts,
        // passwords and database) on every host of the cluster (the silo finds the primary itself).
        using var folder = new TempFolder("pgaio-ha-secrets");
        var secrets = await GenerateSecretsAsync(folder.Path);
        string SecretFile(object file, string secret) => File.ReadAllText(Path.Combine(secrets, Path.GetFileName(file.Text("secrets", secret, "file")!)));
        var connections = new Dictionary<string, NpgsqlConnectionStringBuilder>();
        foreach (var secret in new[] { "postgres_admin_connection", "postgres_connection" })
        {
            var ha = new NpgsqlConnectionStringBuilder(SecretFile(compose, secret));
            var one = new NpgsqlConnectionStringBuilder(SecretFile(single, secret));
            Assert.Equal((one.Username, one.Password, one.Database), (ha.Username, ha.Password, ha.Database));
            var hosts = ha.Host!.Split(',');
            Assert.Equal(nodes.Keys.Order().Select(node => $"{node}:5432"), hosts.Order());
            Assert.All(hosts, host => Assert.Equal(host, ComposeEnvironment(nodes[host.Split(':')[0]])["PATRONI_POSTGRESQL_CONNECT_ADDRESS"]));
            connections[secret] = ha;
        }

        var (owner, serving) = (connections["postgres_admin_connection"], connections["postgres_connection"]);
        Assert.Equal(("pgaio", "pgaio_app"), (owner.Username, serving.Username));

        // Over verified TLS, as in docker-compose.yml: every Patroni host is a name of the certificate the nodes serve,
        // made by docker/make-certificates.sh as the README tells (no PG_HOSTS), issued by the ca.crt the silos mount.
        using var certificates = new TempFolder("pgaio-ha-certificates");
        await CertificateScript.RunAsync(certificates.Path);
        using var served = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(certificates.Path, "postgres.crt"));
        foreach (var (_, service) in silos)
        {
            foreach (var connection in connections.Values)
            {
                Assert.Equal(SslMode.VerifyFull, connection.SslMode);
                Assert.Equal(ComposeEnvironment(service)["Silo__Tls__CaCertificate"], connection.RootCertificate);
                Assert.All(connection.Host!.Split(','), host => Assert.True(served.MatchesHostname(host.Split(':')[0]), $"postgres.crt does not name {host}"));
            }

            Assert.Contains("ca.crt", service.Items("secrets").Cast<string>());
        }

        // The two accounts are the ones the image's post-bootstrap creates, from the password files every node mounts.
        foreach (var node in nodes.Values)
        {
            var environment = ComposeEnvironment(node);
            Assert.Equal(owner.Password, SecretFile(compose, MountedSecret(node, environment["PGAIO_PASSWORD_FILE"])));
            Assert.Equal(serving.Password, SecretFile(compose, MountedSecret(node, environment["PGAIO_SERVING_PASSWORD_FILE"])));
        }

        var postBootstrap = Read("docker/patroni/post-bootstrap.sh");
        Assert.Contains($"CREATE ROLE {owner.Username} LOGIN PASSWORD :'password';", postBootstrap, StringComparison.Ordinal);
        Assert.Contains($"CREATE ROLE {serving.Username} LOGIN PASSWORD :'serving_password' IN ROLE pgaio_serving;", postBootstrap, StringComparison.Ordinal);
        Assert.Contains($"CREATE DATABASE {owner.Database} OWNER {owner.Username};", postBootstrap, StringComparison.Ordinal);
    }

    [Fact]
    public void PatroniNodes_NameThemselves_ShareOneEtcd_AndAreHealthyOnlyOnceTheirPostgresRuns()
    {
        var compose = Compose(HaComposeFile);
        var config = Yaml.LoadAll(FullPath(PatroniConfig)).Single();
        var restPort = config.Text("restapi", "listen")!.Split(':')[^1];
        var postgresPort = config.Text("postgresql", "listen")!.Split(':')[^1];
        Assert.Equal(("8008", "5432"), (restPort, postgresPort));

        var etcd = compose.At("services", "etcd");
        Assert.Equal(PatroniImage, etcd.Text("image"));
        var etcdArguments = etcd.Items("command").Cast<string>().ToList();
        Assert.Equal("etcd", etcdArguments[0]);
        Assert.Contains("--advertise-client-urls=http://etcd:2379", etcdArguments);
        Assert.Contains(etcd.Items("healthcheck", "test").Cast<string>(), part => part.EndsWith(":2379/health", StringComparison.Ordinal));

        foreach (var (name, service) in PatroniNodes(compose))
        {
            var environment = ComposeEnvironment(service);
            Assert.Equal(name, environment["PATRONI_NAME"]);
            Assert.Equal($"{name}:{restPort}", environment["PATRONI_RESTAPI_CONNECT_ADDRESS"]);
            Assert.Equal($"{name}:{postgresPort}", environment["PATRONI_POSTGRESQL_CONNECT_ADDRESS"]);
            Assert.Equal("etcd:2379", environment["PATRONI_ETCD3_HOSTS"]);
            foreach (var secret in new[] { "PATRONI_SUPERUSER_PASSWORD", "PATRONI_REPLICATION_PASSWORD", "PATRONI_REWIND_PASSWORD" })
            {
                Assert.False(string.IsNullOrEmpty(environment.GetValueOrDefault(secret)), $"{name} lacks {secret}");
            }

            // The silos' passwords are files, as in docker-compose.yml.
            Assert.DoesNotContain("PGAIO_PASSWORD", environment.Keys);
            Assert.Equal("postgres_password", MountedSecret(service, environment["PGAIO_PASSWORD_FILE"]));
            Assert.Equal("pgaio_serving_password", MountedSecret(service, environment["PGAIO_SERVING_PASSWORD_FILE"]));

            Assert.Equal("service_healthy", service.Text("depends_on", "etcd", "condition"));
            Assert.Contains($"http://127.0.0.1:{restPort}/health", service.Items("healthcheck", "test").Cast<string>());

            // Its own volume holds the data folder patroni.yml names.
            var mount = Assert.Single(service.Items("volumes").Cast<string>()).Split(':');
            Assert.Equal($"{name}-data", mount[0]);
            Assert.StartsWith(mount[1] + "/", config.Text("postgresql", "data_dir"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PatroniImage_IsBuiltFromDebiansPackages_AndRunsTheConfigAsPostgres()
    {
        var compose = Compose(HaComposeFile);
        var builds = compose.Map("services").Values.Where(service => service.Text("image") == PatroniImage).ToList();
        Assert.Equal(4, builds.Count); // etcd and three nodes
        Assert.All(builds, service => Assert.Equal(PatroniDockerfile, "docker/" + service.Text("build", "context")!.TrimStart('.', '/') + "/Dockerfile"));

        var instructions = DockerfileInstructions(PatroniDockerfile);
        Assert.StartsWith("debian:", Assert.Single(instructions, i => i.Keyword == "FROM").Arguments, StringComparison.Ordinal);
        var installs = string.Join(' ', instructions.Where(i => i.Keyword == "RUN").Select(i => i.Arguments));
        Assert.All(DebianPackages, package => Assert.Contains($" {package} ", installs, StringComparison.Ordinal));
        Assert.Contains("create_main_cluster = false", installs, StringComparison.Ordinal);

        Assert.Contains(instructions, i => i.Keyword == "COPY" && i.Arguments == "patroni.yml /etc/patroni/patroni.yml");
        var postBootstrap = Yaml.LoadAll(FullPath(PatroniConfig)).Single().Text("bootstrap", "post_bootstrap");
        Assert.Contains(instructions, i => i.Keyword == "COPY" && i.Arguments == $"post-bootstrap.sh {postBootstrap}");
        Assert.Contains(instructions, i => i.Keyword == "USER" && i.Arguments == "postgres");
        Assert.Contains(instructions, i => i.Keyword == "CMD" && i.Arguments == """["/usr/bin/python3", "/usr/bin/patroni", "/etc/patroni/patroni.yml"]""");
    }

    [Fact]
    public void PatroniConfig_IsTheOneThatWorked_WithConnectionsForEverySilo()
    {
        var config = Yaml.LoadAll(FullPath(PatroniConfig)).Single();
        Assert.NotNull(config.At("etcd3", "hosts"));
        Assert.Null(config.At("etcd")); // etcd 3.4 serves no v2 API by default

        var dcs = config.At("bootstrap", "dcs");
        Assert.Equal(("10", "2", "3"), (dcs.Text("ttl"), dcs.Text("loop_wait"), dcs.Text("retry_timeout")));
        Assert.Equal("true", dcs.Text("synchronous_mode"));
        Assert.Equal("true", dcs.Text("postgresql", "use_pg_rewind"));
        var parameters = dcs.Map("postgresql", "parameters");
        Assert.Equal("on", parameters["wal_log_hints"]); // pg_rewind needs it
        Assert.Equal("on", parameters["hot_standby"]);
        Assert.Equal("replica", parameters["wal_level"]);
        // The compose PostgreSQL's audit settings (the image installs postgresql-15-pgaudit).
        var compose = Compose().Text("services", "postgres", "command")!;
        foreach (var setting in new[] { "shared_preload_libraries", "pgaudit.log", "pgaudit.log_catalog" })
        {
            Assert.Contains($"-c {setting}={parameters[setting]}", compose, StringComparison.Ordinal);
        }

        Assert.Contains(" postgresql-15-pgaudit ", string.Join(' ', DockerfileInstructions(PatroniDockerfile).Where(i => i.Keyword == "RUN").Select(i => i.Arguments)), StringComparison.Ordinal);
        Assert.False(parameters.ContainsKey("synchronous_commit"), "acknowledged writes must be durable");

        var pools = ComposeSilos(Compose(HaComposeFile)).Sum(silo => Number(ComposeEnvironment(silo.Service).GetValueOrDefault("Silo__MaxPoolSize", "16")));
        Assert.True(Number(parameters["max_connections"] as string) >= pools + 10, $"max_connections below {pools} + 10");

        var hba = config.Items("postgresql", "pg_hba").Cast<string>().ToList();
        Assert.Contains("hostssl replication replicator 0.0.0.0/0 scram-sha-256", hba);
        Assert.DoesNotContain(hba, line => line.StartsWith("host", StringComparison.Ordinal) && line.EndsWith(" trust", StringComparison.Ordinal));
    }

    [Fact]
    public void PatroniNodes_ServeTlsOnly_WithTheComposeCertificate_AndReplicateOverVerifiedTls()
    {
        var compose = Compose(HaComposeFile);
        var config = Yaml.LoadAll(FullPath(PatroniConfig)).Single();
        var dataDirectory = config.Text("postgresql", "data_dir")!;
        var parameters = config.Map("postgresql", "parameters");
        Assert.Equal("on", parameters["ssl"]);
        Assert.Equal("TLSv1.2", parameters["ssl_min_protocol_version"]);

        // Over the network only TLS (hostssl): a plain TCP connection finds no pg_hba entry.
        var hba = config.Items("postgresql", "pg_hba").Cast<string>().ToList();
        Assert.All(hba, line => Assert.True(line.StartsWith("local ", StringComparison.Ordinal) || line.StartsWith("hostssl ", StringComparison.Ordinal), $"not TLS only: {line}"));
        Assert.Contains(hba, line => line.StartsWith("hostssl replication ", StringComparison.Ordinal));

        // Each node installs the mounted certificate, its key (the postgres account's, 0600) and the authority where the
        // ssl_*_file settings point, relative to the data folder; then runs the image's own command.
        string Resolved(string setting) => Path.GetFullPath(Path.Combine(dataDirectory, (string)parameters[setting]!));
        var expected = new Dictionary<string, (string Secret, string Mode)>
        {
            [Resolved("ssl_cert_file")] = ("postgres.crt", "0644"),
            [Resolved("ssl_key_file")] = ("postgres.key", "0600"),
            [Resolved("ssl_ca_file")] = ("ca.crt", "0644"),
        };
        var command = DockerfileInstructions(PatroniDockerfile).Single(i => i.Keyword == "CMD").Arguments;
        foreach (var (name, service) in PatroniNodes(compose))
        {
            var entrypoint = service.Items("entrypoint").Cast<string>().ToList();
            Assert.Equal(["/bin/sh", "-c", "--"], new[] { entrypoint[0], entrypoint[1], entrypoint[3] });
            var script = entrypoint[2];
            foreach (var (path, (secret, mode)) in expected)
            {
                Assert.Contains($"install -m {mode} /run/secrets/{secret} {path} &&", script, StringComparison.Ordinal);
                Assert.Contains(secret, service.Items("secrets").Cast<string>());
                Assert.StartsWith("./tls/", compose.Text("secrets", secret, "file"), StringComparison.Ordinal);
            }

            Assert.EndsWith("exec \"$$@\"", script, StringComparison.Ordinal);
            Assert.True(command == "[" + string.Join(", ", service.Items("command").Cast<string>().Select(part => $"\"{part}\"")) + "]", $"{name}: an entrypoint drops the image's CMD, so the command must be that CMD");
        }

        // Outside the data folder: a standby cloned by pg_basebackup (or rewound) keeps its own files.
        Assert.False(Resolved("ssl_key_file").StartsWith(dataDirectory.TrimEnd('/') + "/", StringComparison.Ordinal));

        // Standbys and pg_rewind reach the primary over TLS, its certificate checked against that same authority.
        foreach (var user in new[] { "replication", "rewind" })
        {
            Assert.Equal("verify-ca", config.Text("postgresql", "authentication", user, "sslmode"));
            Assert.Equal(Resolved("ssl_ca_file"), config.Text("postgresql", "authentication", user, "sslrootcert"));
        }
    }

    /// <summary>The name of the compose secret <paramref name="service"/> mounts at <paramref name="path"/>.</summary>
    private static string MountedSecret(object? service, string path)
    {
        Assert.StartsWith("/run/secrets/", path, StringComparison.Ordinal);
        var name = path["/run/secrets/".Length..];
        Assert.Contains(name, service.Items("secrets").Cast<string>());
        return name;
    }

    private static IReadOnlyList<(string Name, object? Service)> PatroniNodes(object compose) =>
        compose.Map("services")
            .Where(service => service.Value.Text("image") == PatroniImage && service.Key != "etcd")
            .Select(service => (service.Key, service.Value))
            .ToList();
}
