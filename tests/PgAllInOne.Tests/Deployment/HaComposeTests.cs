using Npgsql;

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
    public void HaSilos_AreTheComposeSilos_GivenEveryPatroniHost()
    {
        var compose = Compose(HaComposeFile);
        var single = ComposeSilos(Compose()).ToDictionary(silo => silo.Name, silo => silo.Service);
        var silos = ComposeSilos(compose);
        Assert.Equal(single.Keys.Order(), silos.Select(silo => silo.Name).Order());

        var nodes = PatroniNodes(compose).ToDictionary(node => node.Name, node => node.Service);
        Assert.Equal(3, nodes.Count);
        foreach (var (name, service) in silos)
        {
            var environment = ComposeEnvironment(service);
            var singleEnvironment = ComposeEnvironment(single[name]);
            Assert.Equal(singleEnvironment.Keys.Order(), environment.Keys.Order());
            Assert.All(environment.Where(pair => pair.Key != "ConnectionStrings__Postgres"), pair => Assert.Equal(singleEnvironment[pair.Key], pair.Value));
            Assert.Equal(single[name].Items("ports"), service.Items("ports"));
            Assert.Equal(single[name].Items("volumes"), service.Items("volumes"));

            // The same account and database, on every host of the cluster (the silo finds the primary itself).
            var ha = new NpgsqlConnectionStringBuilder(environment["ConnectionStrings__Postgres"]);
            var one = new NpgsqlConnectionStringBuilder(singleEnvironment["ConnectionStrings__Postgres"]);
            Assert.Equal((one.Username, one.Password, one.Database), (ha.Username, ha.Password, ha.Database));
            var hosts = ha.Host!.Split(',');
            Assert.Equal(nodes.Keys.Order().Select(node => $"{node}:5432"), hosts.Order());
            foreach (var host in hosts)
            {
                Assert.Equal(host, ComposeEnvironment(nodes[host.Split(':')[0]])["PATRONI_POSTGRESQL_CONNECT_ADDRESS"]);
            }

            foreach (var dependency in nodes.Keys.Append("redis"))
            {
                Assert.True(service.Text("depends_on", dependency, "condition") == "service_healthy", $"{name} must wait for a healthy {dependency}");
            }
        }

        // The silos' account is the one the image's post-bootstrap creates, with the silos' password.
        var password = new NpgsqlConnectionStringBuilder(ComposeEnvironment(silos[0].Service)["ConnectionStrings__Postgres"]).Password;
        Assert.All(nodes.Values, node => Assert.Equal(password, ComposeEnvironment(node)["PGAIO_PASSWORD"]));
        Assert.Contains("CREATE ROLE pgaio LOGIN PASSWORD :'password';", Read("docker/patroni/post-bootstrap.sh"), StringComparison.Ordinal);
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
            foreach (var secret in new[] { "PATRONI_SUPERUSER_PASSWORD", "PATRONI_REPLICATION_PASSWORD", "PATRONI_REWIND_PASSWORD", "PGAIO_PASSWORD" })
            {
                Assert.False(string.IsNullOrEmpty(environment.GetValueOrDefault(secret)), $"{name} lacks {secret}");
            }

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
        Assert.Equal("pg_stat_statements", parameters["shared_preload_libraries"]);
        Assert.False(parameters.ContainsKey("synchronous_commit"), "acknowledged writes must be durable");

        var pools = ComposeSilos(Compose(HaComposeFile)).Sum(silo => Number(ComposeEnvironment(silo.Service).GetValueOrDefault("Silo__MaxPoolSize", "16")));
        Assert.True(Number(parameters["max_connections"] as string) >= pools + 10, $"max_connections below {pools} + 10");

        var hba = config.Items("postgresql", "pg_hba").Cast<string>().ToList();
        Assert.Contains("host replication replicator 0.0.0.0/0 scram-sha-256", hba);
        Assert.DoesNotContain(hba, line => line.StartsWith("host", StringComparison.Ordinal) && line.EndsWith(" trust", StringComparison.Ordinal));
    }

    private static IReadOnlyList<(string Name, object? Service)> PatroniNodes(object compose) =>
        compose.Map("services")
            .Where(service => service.Value.Text("image") == PatroniImage && service.Key != "etcd")
            .Select(service => (service.Key, service.Value))
            .ToList();
}
