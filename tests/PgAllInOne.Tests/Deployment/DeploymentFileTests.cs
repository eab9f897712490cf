using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using YamlDotNet.RepresentationModel;

using static PgAllInOne.Tests.Deployment.DeploymentFiles;

namespace PgAllInOne.Tests.Deployment;

/// <summary>docker/ and k8s/ cannot be run here; these tests pin what they must agree on with each other and with the silo.</summary>
public sealed partial class DeploymentFileTests
{
    public const int HttpPort = 8080;
    public const int SiloPort = 11111;

    public const int GatewayPort = 30000;
    public const string Readiness = "/readyz";
    public const string Liveness = "/healthz";

    private static readonly string[] PromQlKeywords = ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless"];

    private static readonly string[] ClusterKeys =
        ["ConnectionStrings:Postgres", "Silo:ClusterId", "Silo:AdvertisedHost", "Silo:Port", "Silo:DataDirectory", "Urls"];

    private static readonly string[] Probes = ["startupProbe", "readinessProbe", "livenessProbe"];

    private static readonly string[] NeverInTheContext = ["**/bin/", "**/obj/", "**/data/", ".git"];

    private static readonly string[] HealthPaths = [Readiness, Liveness];

    [Fact]
    public void EveryYamlDocumentUnderDockerAndK8s_Parses()
    {
        var files = YamlFiles();
        Assert.Contains(ComposeFile, files);
        Assert.Contains("k8s/kustomization.yaml", files);

        var failures = new List<string>();
        foreach (var file in files)
        {
            try
            {
                using var reader = new StreamReader(FullPath(file));
                var stream = new YamlStream();
                stream.Load(reader);
                Assert.NotEmpty(stream.Documents);
                Assert.NotEmpty(Yaml.LoadAll(FullPath(file)));
            }
            catch (YamlDotNet.Core.YamlException exception)
            {
                failures.Add($"{file} line {exception.Start.Line}: {exception.Message}");
            }
            catch (Exception exception) when (exception is InvalidCastException or Xunit.Sdk.XunitException)
            {
                failures.Add($"{file}: {exception.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void EveryKeyTheSilosAreConfiguredWith_IsOneTheSiloReads()
    {
        Assert.Contains("Silo:AdvertisedHost", SiloConfigurationKeys.All);
        Assert.Contains("Membership:ProbeTimeout", SiloConfigurationKeys.All);
        Assert.Contains("Silo:GatewayPort", SiloConfigurationKeys.All);
        Assert.Contains("Maintenance:Interval", SiloConfigurationKeys.All);

        var unknown = SiloVariables()
            .Where(variable => !SiloConfigurationKeys.IsStandard(variable.Name) && !SiloConfigurationKeys.All.Contains(SiloConfigurationKeys.KeyOf(variable.Name)))
            .Select(variable => $"{variable.Source}: {variable.Name}")
            .ToList();

        Assert.True(unknown.Count == 0, "the silo reads no such key:\n" + string.Join('\n', unknown));
    }

    [Fact]
    public void EverySilo_GetsTheKeysAClusterNeeds_AndComposeSilosShareOneCluster()
    {
        var compose = Compose();
        var silos = ComposeSilos(compose);
        Assert.Equal(3, silos.Count);
        foreach (var (name, service) in silos)
        {
            var environment = ComposeEnvironment(service);
            Assert.Equal(ClusterKeys.Order(), environment.Keys.Select(SiloConfigurationKeys.KeyOf).Intersect(ClusterKeys).Order());
            Assert.Equal(name, environment["Silo__AdvertisedHost"]);
        }

        foreach (var key in new[] { "Silo__ClusterId", "ConnectionStrings__Postgres_FILE", "ConnectionStrings__PostgresAdmin_FILE" })
        {
            Assert.Single(silos.Select(silo => ComposeEnvironment(silo.Service)[key]).Distinct());
        }

        var manifests = Manifests();
        var (_, container) = Assert.Single(SiloContainers(manifests));
        var keys = KubernetesVariables(manifests, container).Select(variable => SiloConfigurationKeys.KeyOf(variable.Name)).ToList();
        Assert.Empty(ClusterKeys.Except(keys));
        var advertised = container.Items("env").Single(variable => variable.Text("name") == "Silo__AdvertisedHost");
        Assert.Equal("status.podIP", advertised.Text("valueFrom", "fieldRef", "fieldPath"));
    }

    [Fact]
    public void ComposeSilos_UseHttpPort8080_SiloPort11111_AndGatewayPort30000_AsTheDockerfileExposes()
    {
        var instructions = DockerfileInstructions();
        var exposed = instructions.Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(Number);
        Assert.Equal([HttpPort, SiloPort, GatewayPort], exposed.Order());
        var imageEnvironment = instructions.Where(i => i.Keyword == "ENV").Select(i => i.Arguments).ToList();
        Assert.Contains(imageEnvironment, arguments => arguments.Contains($"Urls=http://0.0.0.0:{HttpPort}", StringComparison.Ordinal));
        Assert.Contains(imageEnvironment, arguments => arguments.Contains($"Silo__Port={SiloPort}", StringComparison.Ordinal));
        Assert.Contains(imageEnvironment, arguments => arguments.Contains($"Silo__GatewayPort={GatewayPort}", StringComparison.Ordinal));

        var hostPorts = new List<string>();
        foreach (var (name, service) in ComposeSilos(Compose()))
        {
            var environment = ComposeEnvironment(service);
            Assert.Equal(HttpPort, new Uri(environment["Urls"]).Port);
            Assert.Equal(SiloPort, Number(environment["Silo__Port"]));
            Assert.Equal(GatewayPort, Number(environment["Silo__GatewayPort"]));
            var mapping = Assert.Single(service.Items("ports").Cast<string>());
            Assert.Equal(HttpPort, Number(mapping.Split(':')[^1].Split('/')[0]));
            hostPorts.Add(mapping.Split(':')[^2]);
            Assert.True(service.At("healthcheck") is null, $"{name}: the image's HEALTHCHECK is the one to use");
        }

        Assert.Equal(["8081", "8082", "8083"], hostPorts.Order());
    }

    [Fact]
    public void K8sSilos_UseHttpPort8080_SiloPort11111_AndGatewayPort30000_InConfigContainerServicesAndProbes()
    {
        var manifests = Manifests();
        var (workload, container) = Assert.Single(SiloContainers(manifests));
        Assert.Equal(HttpPort, ResolvePort(container, "http"));
        Assert.Equal(SiloPort, ResolvePort(container, "silo"));
        Assert.Equal(GatewayPort, ResolvePort(container, "gateway"));

        var config = KubernetesVariables(manifests, container).ToDictionary(variable => variable.Name, variable => variable.Value);
        Assert.Equal(HttpPort, new Uri(config["Urls"]!).Port);
        Assert.Equal(SiloPort, Number(config["Silo__Port"]));
        Assert.Equal(GatewayPort, Number(config["Silo__GatewayPort"]));

        foreach (var probe in Probes)
        {
            Assert.Equal(HttpPort, ResolvePort(container, container.Text(probe, "httpGet", "port")!));
        }

        var podLabels = workload.Map("spec", "template", "metadata", "labels");
        var siloServices = manifests.OfKind("Service").Where(service => Selects(service.Map("spec", "selector"), podLabels)).ToList();
        var http = Assert.Single(siloServices, service => service.Text("spec", "clusterIP") != "None");
        var headless = Assert.Single(siloServices, service => service.Text("spec", "clusterIP") == "None");
        Assert.Equal([HttpPort], http.Items("spec", "ports").Select(port => ResolvePort(container, port.Text("targetPort")!)));
        Assert.Equal([SiloPort, GatewayPort], headless.Items("spec", "ports").Select(port => ResolvePort(container, port.Text("targetPort")!)));
    }

    [Fact]
    public void ProbesAndHealthchecks_UseReadyzForReadiness_AndHealthzForLiveness()
    {
        var (_, container) = Assert.Single(SiloContainers(Manifests()));
        Assert.Equal(Readiness, container.Text("readinessProbe", "httpGet", "path"));
        Assert.Equal(Liveness, container.Text("livenessProbe", "httpGet", "path"));
        Assert.Contains(container.Text("startupProbe", "httpGet", "path"), HealthPaths);
        Assert.Equal(45, Number(SiloPodSpec().Text("terminationGracePeriodSeconds")));

        var healthcheck = new Uri(DockerfileHealthcheckUrl());
        Assert.Equal(HttpPort, healthcheck.Port);
        Assert.Equal(Liveness, healthcheck.AbsolutePath);
    }

    [Fact]
    public void SiloImageAndLabels_AgreeAcrossComposeAndK8s()
    {
        var compose = Compose();
        var silos = ComposeSilos(compose);
        var image = Assert.Single(silos.Select(silo => silo.Service.Text("image")).Distinct());
        foreach (var (_, service) in silos)
        {
            var context = Path.GetFullPath(Path.Combine(FullPath("docker"), service.Text("build", "context")!));
            Assert.Equal(Root.TrimEnd('/'), context.TrimEnd('/'));
            Assert.Equal(DockerfilePath, service.Text("build", "dockerfile"));
        }

        var manifests = Manifests();
        var (workload, container) = Assert.Single(SiloContainers(manifests));
        Assert.Equal("Deployment", workload.Text("kind"));
        Assert.Equal(image, container.Text("image"));

        var podLabels = workload.Map("spec", "template", "metadata", "labels");
        Assert.Equal("pgallinone", podLabels["app.kubernetes.io/name"]);
        Assert.Equal("silo", podLabels["app.kubernetes.io/component"]);
        Assert.True(Selects(workload.Map("spec", "selector", "matchLabels"), podLabels), "the Deployment's selector must match its pods");

        // Every Service selects the pods of some workload, so none of them is left without endpoints.
        var allPodLabels = manifests.Where(m => m.At("spec", "template") is not null).Select(m => m.Map("spec", "template", "metadata", "labels")).ToList();
        foreach (var service in manifests.OfKind("Service"))
        {
            Assert.True(allPodLabels.Any(labels => Selects(service.Map("spec", "selector"), labels)), $"Service {service.Text("metadata", "name")} selects no pods");
        }
    }

    [Fact]
    public void HpaAndPdb_TargetTheSiloDeployment()
    {
        var manifests = Manifests();
        var (deployment, _) = Assert.Single(SiloContainers(manifests));
        var replicas = Number(deployment.Text("spec", "replicas"));
        Assert.Equal(3, replicas);

        var hpa = Assert.Single(manifests.OfKind("HorizontalPodAutoscaler"));
        Assert.Equal("autoscaling/v2", hpa.Text("apiVersion"));
        Assert.Equal("apps/v1", hpa.Text("spec", "scaleTargetRef", "apiVersion"));
        Assert.Equal("Deployment", hpa.Text("spec", "scaleTargetRef", "kind"));
        Assert.Equal(deployment.Text("metadata", "name"), hpa.Text("spec", "scaleTargetRef", "name"));
        Assert.Equal(3, Number(hpa.Text("spec", "minReplicas")));
        Assert.Equal(10, Number(hpa.Text("spec", "maxReplicas")));
        Assert.Contains(hpa.Items("spec", "metrics"), metric => metric.Text("resource", "name") == "cpu");

        var pdb = Assert.Single(manifests.OfKind("PodDisruptionBudget"));
        Assert.Equal("policy/v1", pdb.Text("apiVersion"));
        Assert.True(Selects(pdb.Map("spec", "selector", "matchLabels"), deployment.Map("spec", "template", "metadata", "labels")), "the PDB must select the silo pods");
        Assert.Equal(2, Number(pdb.Text("spec", "minAvailable")));
    }

    [Fact]
    public void Kustomization_ListsEveryManifest_AndEveryResourceIsInTheNamespace()
    {
        // k8s/ applies the base as it is; kustomize refuses an overlay (k8s/cnpg) inside the folder it builds on.
        Assert.Equal(["base"], Yaml.LoadAll(FullPath("k8s/kustomization.yaml")).Single().Items("resources").Cast<string>());
        var kustomization = Yaml.LoadAll(FullPath(K8sBase + "/kustomization.yaml")).Single();
        var manifests = YamlFiles().Where(file => file.StartsWith(K8sBase + "/", StringComparison.Ordinal)).Select(Path.GetFileName).Where(file => file != "kustomization.yaml");
        Assert.Equal(manifests.Order(), kustomization.Items("resources").Cast<string>().Order());
        Assert.Equal(Manifests().Count, Kustomize.Build("k8s").Count);

        var all = Manifests();
        var ns = Assert.Single(all.OfKind("Namespace")).Text("metadata", "name");
        Assert.Equal("pgallinone", ns);
        Assert.Equal(ns, kustomization.Text("namespace"));
        Assert.All(all.Where(m => m.Text("kind") != "Namespace"), m => Assert.Equal(ns, m.Text("metadata", "namespace")));
    }

    [Fact]
    public void Dockerfile_CopiesEveryProjectTheSiloBuildsFrom_BeforeRestoring()
    {
        var instructions = DockerfileInstructions();
        var build = instructions.SkipWhile(i => !(i.Keyword == "FROM" && i.Arguments.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", StringComparison.Ordinal))).Skip(1).ToList();
        var restore = build.FindIndex(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet restore ", StringComparison.Ordinal));
        Assert.True(restore > 0, "the build stage restores after copying the project files");
        Assert.Equal("dotnet restore silo/PgAllInOne.Silo/PgAllInOne.Silo.csproj", build[restore].Arguments);

        var copiedFirst = build.Take(restore).Where(i => i.Keyword == "COPY").Select(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.DoesNotContain(copiedFirst, sources => sources[0] == "."); // everything at once would defeat the cached restore
        var sources = copiedFirst.SelectMany(arguments => arguments[..^1]).ToHashSet(StringComparer.Ordinal);
        var needed = ProjectClosure("silo/PgAllInOne.Silo/PgAllInOne.Silo.csproj").Append("Directory.Build.props").Append("Directory.Packages.props");
        var missing = needed.Where(file => !sources.Contains(file)).ToList();
        Assert.True(missing.Count == 0, "not copied before the restore: " + string.Join(", ", missing));

        var rest = build.Skip(restore + 1).ToList();
        Assert.Contains(rest, i => i.Keyword == "COPY" && i.Arguments == ". .");
        Assert.Contains(rest, i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet publish silo/PgAllInOne.Silo/PgAllInOne.Silo.csproj -c Release", StringComparison.Ordinal));

        var runtime = instructions.SkipWhile(i => !(i.Keyword == "FROM" && i.Arguments.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", StringComparison.Ordinal))).ToList();
        Assert.Contains(runtime, i => i.Keyword == "USER" && i.Arguments is "$APP_UID" or "1654" or "app");
        Assert.Contains(runtime, i => i.Keyword == "ENTRYPOINT" && i.Arguments == """["dotnet", "PgAllInOne.Silo.dll"]""");

        var ignored = File.ReadAllLines(FullPath(".dockerignore"));
        Assert.Empty(NeverInTheContext.Except(ignored));
    }

    [Fact]
    public void Prometheus_ScrapesEveryComposeSiloAtItsHttpPortAndMetrics_WithTheMountedKeyFile()
    {
        var compose = Compose();
        var silos = ComposeSilos(compose).Select(silo => silo.Name).ToList();
        var job = Assert.Single(Yaml.LoadAll(FullPath("docker/prometheus/prometheus.yml")).Single().Items("scrape_configs"));
        Assert.Equal("/metrics", job.Text("metrics_path"));
        Assert.Equal("Bearer", job.Text("authorization", "type"));

        var targets = job.Items("static_configs").SelectMany(config => config.Items("targets")).Cast<string>().Select(target => target.Split(':')).ToList();
        Assert.Equal(silos.Order(), targets.Select(target => target[0]).Order());
        Assert.All(targets, target => Assert.Equal(HttpPort, Number(target[1])));

        // The key file lives in the mounted folder, so that it can be created after Prometheus started.
        var mounts = compose.Items("services", "prometheus", "volumes").Cast<string>().Select(volume => volume.Split(':')).ToList();
        var folder = Assert.Single(mounts, mount => mount[0] == "./prometheus");
        Assert.Equal("/etc/prometheus/pgaio.key", job.Text("authorization", "credentials_file"));
        Assert.Equal("/etc/prometheus", folder[1]);
    }

    [Fact]
    public void GrafanaDashboard_PanelsQueryMetricsOfTheProvisionedDatasource()
    {
        var datasource = Yaml.LoadAll(FullPath("docker/grafana/provisioning/datasources/prometheus.yml")).Single().Items("datasources").Single();
        var panels = GrafanaPanels();
        Assert.NotEmpty(panels);
        foreach (var (title, uid, expressions) in panels)
        {
            Assert.Equal(datasource.Text("uid"), uid);
            Assert.NotEmpty(expressions);
            Assert.All(expressions, expression => Assert.True(MetricNamesIn(expression).Count > 0, $"panel \"{title}\" queries no metric: {expression}"));
        }
    }

    [Fact]
    public void GrafanaProvisioning_PointsAtThePrometheusServiceAndTheMountedDashboards()
    {
        var compose = Compose();
        var datasource = Yaml.LoadAll(FullPath("docker/grafana/provisioning/datasources/prometheus.yml")).Single().Items("datasources").Single();
        var url = new Uri(datasource.Text("url")!);
        Assert.NotNull(compose.At("services", url.Host));
        Assert.Contains(compose.Items("services", url.Host, "ports").Cast<string>(), port => port.EndsWith($":{url.Port}", StringComparison.Ordinal));

        var provider = Yaml.LoadAll(FullPath("docker/grafana/provisioning/dashboards/dashboards.yml")).Single().Items("providers").Single();
        var mounts = compose.Items("services", "grafana", "volumes").Cast<string>().Select(volume => volume.Split(':')).ToList();
        Assert.Contains(mounts, mount => mount[0] == "./grafana/dashboards" && mount[1] == provider.Text("options", "path"));
        Assert.Contains(mounts, mount => mount[0] == "./grafana/provisioning" && mount[1] == "/etc/grafana/provisioning");
    }

    [Fact]
    public void Postgres_PreloadsPgStatStatements_AndHasConnectionsForEverySilosPool()
    {
        var compose = Compose();
        var composeSettings = PostgresSettings(compose.Text("services", "postgres", "command")!.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var manifests = Manifests();
        var statefulSet = manifests.Named("StatefulSet", "postgres");
        var container = statefulSet.Items("spec", "template", "spec", "containers").Single();
        var k8sSettings = PostgresSettings(container.Items("args").Cast<string>());

        // The same settings in both, TLS included (the certificate's files differ: TlsDeploymentTests).
        Assert.Equal(composeSettings.Keys.Order(), k8sSettings.Keys.Order());
        foreach (var settings in new[] { composeSettings, k8sSettings })
        {
            Assert.Equal("on", settings["ssl"]);
            Assert.Equal("TLSv1.2", settings["ssl_min_protocol_version"]);
            Assert.Equal("pg_stat_statements,pgaudit", settings["shared_preload_libraries"]);
            Assert.Equal("ddl,role", settings["pgaudit.log"]);
            Assert.Equal("all", settings["pg_stat_statements.track"]);
            Assert.False(settings.ContainsKey("synchronous_commit"), "acknowledged writes must be durable");
        }

        // Each silo holds up to Silo:MaxPoolSize connections; keep 10 for maintenance, psql and replication.
        var silos = ComposeSilos(compose);
        var composePools = silos.Sum(silo => Number(ComposeEnvironment(silo.Service).GetValueOrDefault("Silo__MaxPoolSize", "16")));
        Assert.True(Number(composeSettings["max_connections"]) >= composePools + 10, $"compose: max_connections below {composePools} + 10");
        var (_, silo) = Assert.Single(SiloContainers(manifests));
        var pool = Number(KubernetesVariables(manifests, silo).FirstOrDefault(v => v.Name == "Silo__MaxPoolSize").Value ?? "16");
        var k8sPools = Number(Assert.Single(manifests.OfKind("HorizontalPodAutoscaler")).Text("spec", "maxReplicas")) * pool;
        Assert.True(Number(k8sSettings["max_connections"]) >= k8sPools + 10, $"k8s: max_connections below {k8sPools} + 10");

        const string Extension = "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;";
        Assert.Contains(Extension, Read("docker/postgres/init.sql"), StringComparison.Ordinal);
        Assert.Contains("./postgres/init.sql:/docker-entrypoint-initdb.d/init.sql:ro", compose.Items("services", "postgres", "volumes").Cast<string>());
        Assert.Equal(Read("docker/postgres/init.sql"), manifests.Named("ConfigMap", "postgres-init").Text("data", "init.sql"));
    }

    [Fact]
    public void ComposeSilos_StartOnlyOnceTheirPostgresAndRedisAreHealthy()
    {
        var compose = Compose();
        Assert.Equal("pgallinone/postgres:16", compose.Text("services", "postgres", "image"));
        Assert.Equal("./postgres", compose.Text("services", "postgres", "build", "context"));
        Assert.Contains("FROM postgres:16", Read("docker/postgres/Dockerfile"), StringComparison.Ordinal);
        Assert.Contains("postgresql-16-pgaudit", Read("docker/postgres/Dockerfile"), StringComparison.Ordinal);
        Assert.Equal("redis:7", compose.Text("services", "redis", "image"));
        Assert.Contains("pg_isready", compose.Items("services", "postgres", "healthcheck", "test").Cast<string>());
        Assert.Contains("redis-cli", compose.Items("services", "redis", "healthcheck", "test").Cast<string>());
        foreach (var (name, service) in ComposeSilos(compose))
        {
            foreach (var dependency in new[] { "postgres", "redis" })
            {
                Assert.True(service.Text("depends_on", dependency, "condition") == "service_healthy", $"{name} must wait for a healthy {dependency}");
            }

            Assert.Contains(service.Items("volumes").Cast<string>(), volume => volume.EndsWith(":" + ComposeEnvironment(service)["Silo__DataDirectory"], StringComparison.Ordinal));
        }
    }

    /// <summary>The silo's probe paths as the deployment files use them: k8s probes and the image's HEALTHCHECK.</summary>
    public static IReadOnlyList<string> ProbePaths()
    {
        var (_, container) = SiloContainers(Manifests()).Single();
        return Probes
            .Select(probe => container.Text(probe, "httpGet", "path")!)
            .Append(new Uri(DockerfileHealthcheckUrl()).AbsolutePath)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Every environment variable a silo gets from its image, compose or k8s, with where it is set.</summary>
    private static IEnumerable<(string Source, string Name)> SiloVariables()
    {
        foreach (var (_, arguments) in DockerfileInstructions().Where(i => i.Keyword == "ENV"))
        {
            foreach (var assignment in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                yield return (DockerfilePath, assignment.Split('=')[0]);
            }
        }

        foreach (var (name, service) in ComposeSilos(Compose()))
        {
            foreach (var variable in ComposeEnvironment(service).Keys)
            {
                yield return ($"{ComposeFile} {name}", variable);
            }
        }

        var manifests = Manifests();
        foreach (var (workload, container) in SiloContainers(manifests))
        {
            foreach (var variable in KubernetesVariables(manifests, container))
            {
                yield return ($"k8s {workload.Text("kind")} {workload.Text("metadata", "name")} ({variable.From})", variable.Name);
            }
        }
    }

    /// <summary>A container's env entries plus every key of the ConfigMaps and Secrets it takes with envFrom.</summary>
    private static List<(string Name, string? Value, string From)> KubernetesVariables(IReadOnlyList<object> manifests, object container)
    {
        var variables = container.Items("env").Select(variable => (variable.Text("name")!, variable.Text("value"), "env")).ToList();
        foreach (var source in container.Items("envFrom"))
        {
            var (kind, name) = source.At("configMapRef") is { } map ? ("ConfigMap", map.Text("name")!) : ("Secret", source.Text("secretRef", "name")!);
            var resource = manifests.Named(kind, name);
            foreach (var section in new[] { "data", "stringData" })
            {
                variables.AddRange(resource.Map(section).Select(pair => (pair.Key, pair.Value as string, $"{kind} {name}")));
            }
        }

        foreach (var reference in container.Items("env").Select(variable => variable.At("valueFrom", "secretKeyRef")).Where(reference => reference is not null))
        {
            var secret = manifests.Named("Secret", reference.Text("name")!);
            Assert.True(secret.At("stringData", reference.Text("key")!) is not null || secret.At("data", reference.Text("key")!) is not null, $"Secret {reference.Text("name")} lacks {reference.Text("key")}");
        }

        return variables;
    }

    private static object SiloPodSpec() => SiloContainers(Manifests()).Single().Workload.At("spec", "template", "spec")!;

    private static bool Selects(IReadOnlyDictionary<string, object?> selector, IReadOnlyDictionary<string, object?> labels) =>
        selector.Count > 0 && selector.All(pair => labels.TryGetValue(pair.Key, out var value) && Equals(value, pair.Value));

    private static string DockerfileHealthcheckUrl()
    {
        var healthcheck = DockerfileInstructions().Single(i => i.Keyword == "HEALTHCHECK").Arguments;
        return UrlRegex().Match(healthcheck).Value;
    }

    /// <summary>Recursively, the .csproj files a project references, itself included, repository-relative.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!found.Add(current))
            {
                continue;
            }

            var folder = Path.GetDirectoryName(FullPath(current))!;
            foreach (var reference in XDocument.Load(FullPath(current)).Descendants("ProjectReference"))
            {
                var path = Path.GetFullPath(Path.Combine(folder, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Root, path).Replace('\\', '/'));
            }
        }

        return found;
    }

    /// <summary>The <c>-c name=value</c> settings of a postgres command line.</summary>
    private static Dictionary<string, string> PostgresSettings(IEnumerable<string> arguments)
    {
        var list = arguments.ToList();
        return list.Select((argument, index) => (argument, index))
            .Where(pair => pair.argument == "-c")
            .Select(pair => list[pair.index + 1].Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
    }

    /// <summary>The dashboard's panels: title, datasource uid and the PromQL expression of each target.</summary>
    internal static List<(string Title, string? DatasourceUid, List<string> Expressions)> GrafanaPanels()
    {
        using var dashboard = JsonDocument.Parse(Read("docker/grafana/dashboards/pgallinone.json"));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Select(panel => (
                panel.GetProperty("title").GetString()!,
                panel.GetProperty("datasource").GetProperty("uid").GetString(),
                panel.GetProperty("targets").EnumerateArray().Select(target => target.GetProperty("expr").GetString()!).ToList()))
            .ToList();
    }

    /// <summary>The metric names of a PromQL expression: what is left once labels, ranges, groupings, functions and keywords are removed.</summary>
    internal static List<string> MetricNamesIn(string expression)
    {
        var bare = GroupingRegex().Replace(RangeRegex().Replace(LabelsRegex().Replace(expression, ""), ""), "");
        return IdentifierRegex().Matches(bare)
            .Where(match => !bare[(match.Index + match.Length)..].TrimStart().StartsWith('('))
            .Select(match => match.Value)
            .Where(name => !PromQlKeywords.Contains(name))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    [GeneratedRegex(@"https?://[^\s""']+")]
    private static partial Regex UrlRegex();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelsRegex();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeRegex();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex GroupingRegex();

    [GeneratedRegex(@"(?<![\w.])[A-Za-z_:][A-Za-z0-9_:]*")]
    private static partial Regex IdentifierRegex();
}
