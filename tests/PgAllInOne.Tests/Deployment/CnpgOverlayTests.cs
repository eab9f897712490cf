using Npgsql;

using static PgAllInOne.Tests.Deployment.DeploymentFiles;

namespace PgAllInOne.Tests.Deployment;

/// <summary>k8s/cnpg: the base manifests with PostgreSQL run by CloudNativePG, built as kustomize builds it.</summary>
public sealed class CnpgOverlayTests
{
    public const string Overlay = "k8s/cnpg";

    private static readonly string[] SynchronousMethods = ["any", "first"];

    private static readonly string[] TrialPostgres = ["StatefulSet/postgres", "Service/postgres", "ConfigMap/postgres-init"];

    [Fact]
    public void Overlay_BuildsOnTheBase_ListsEveryFileOfItsFolder_AndKeepsEverythingInTheNamespace()
    {
        var kustomization = Yaml.LoadAll(FullPath(Overlay + "/kustomization.yaml")).Single();
        Assert.Contains("../base", kustomization.Items("resources").Cast<string>());
        var files = YamlFiles().Where(file => file.StartsWith(Overlay + "/", StringComparison.Ordinal) && !file.EndsWith("/kustomization.yaml", StringComparison.Ordinal));
        Assert.Equal(files.Order(), Kustomize.OwnFiles(Overlay).Order());

        var built = Kustomize.Build(Overlay);
        var ns = Yaml.LoadAll(FullPath(K8sBase + "/kustomization.yaml")).Single().Text("namespace");
        Assert.Equal(ns, kustomization.Text("namespace"));
        Assert.All(built.Where(m => m.Text("kind") != "Namespace"), m => Assert.Equal(ns, m.Text("metadata", "namespace")));

        // The base less its trial PostgreSQL, plus the Cluster and its account; the silos as they are.
        var expected = Manifests().Select(Id).Except(TrialPostgres).Append("Cluster/pgaio").Append("Secret/pgaio-app");
        Assert.Equal(expected.Order(), built.Select(Id).Order());
        var (_, silo) = Assert.Single(SiloContainers(built));
        Assert.Equal(Yaml.LoadAll(FullPath(K8sBase + "/silo-deployment.yaml")).Single().At("spec", "template", "spec", "containers"), new List<object?> { silo });
    }

    [Fact]
    public void Cluster_HasThreeInstances_OnDifferentNodes_ReplicatingSynchronously_WithTheTrialsSettings()
    {
        var built = Kustomize.Build(Overlay);
        var cluster = Assert.Single(built.OfKind("Cluster"));
        Assert.Equal("postgresql.cnpg.io/v1", cluster.Text("apiVersion"));
        Assert.Equal(3, Number(cluster.Text("spec", "instances")));
        Assert.True(Number(cluster.Text("spec", "postgresql", "synchronous", "number")) >= 1, "a commit waits for a standby");
        Assert.Contains(cluster.Text("spec", "postgresql", "synchronous", "method"), SynchronousMethods);
        Assert.Equal("true", cluster.Text("spec", "affinity", "enablePodAntiAffinity"));
        Assert.Equal("required", cluster.Text("spec", "affinity", "podAntiAffinityType"));
        Assert.True(Number(cluster.Text("spec", "imageName")!.Split(':')[^1]) >= 15, "PostgreSQL 15 or later");

        // The trial's settings, but the preload: the operator preloads pg_stat_statements for a pg_stat_statements.* setting.
        var trial = Manifests().Named("StatefulSet", "postgres").Items("spec", "template", "spec", "containers").Single().Items("args").Cast<string>().ToList();
        var trialSettings = trial.Select((argument, index) => (argument, index)).Where(pair => pair.argument == "-c")
            .Select(pair => trial[pair.index + 1].Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
        Assert.Equal("pg_stat_statements", trialSettings.Remove("shared_preload_libraries", out var preload) ? preload : null);
        var parameters = cluster.Map("spec", "postgresql", "parameters");
        Assert.Equal(trialSettings.OrderBy(pair => pair.Key), parameters.Select(pair => KeyValuePair.Create(pair.Key, (string)pair.Value!)).OrderBy(pair => pair.Key));
        Assert.False(parameters.ContainsKey("synchronous_commit"), "acknowledged writes must be durable");
        Assert.Contains(cluster.Items("spec", "bootstrap", "initdb", "postInitApplicationSQL").Cast<string>(), sql => sql.Contains("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", StringComparison.Ordinal));
    }

    [Fact]
    public void Silos_WriteToRw_AndReadFromRo_AsTheClustersOwner()
    {
        var built = Kustomize.Build(Overlay);
        var cluster = Assert.Single(built.OfKind("Cluster"));
        var name = cluster.Text("metadata", "name");
        var initdb = cluster.At("spec", "bootstrap", "initdb");

        var silos = built.Named("Secret", "pgallinone");
        Assert.Null(silos.At("stringData", "POSTGRES_PASSWORD")); // only the trial PostgreSQL read it
        var connection = new NpgsqlConnectionStringBuilder(silos.Text("stringData", "ConnectionStrings__Postgres"));
        Assert.Equal([$"{name}-rw:5432", $"{name}-ro:5432"], connection.Host!.Split(','));
        Assert.Equal(initdb.Text("database"), connection.Database);

        var account = built.Named("Secret", initdb.Text("secret", "name")!);
        Assert.Equal("kubernetes.io/basic-auth", account.Text("type"));
        Assert.Equal((initdb.Text("owner"), account.Text("stringData", "username")), (connection.Username, connection.Username));
        Assert.Equal(account.Text("stringData", "password"), connection.Password);

        // The silo reads its connection string from that Secret, as in the base.
        var (_, container) = Assert.Single(SiloContainers(built));
        var reference = container.Items("env").Single(variable => variable.Text("name") == "ConnectionStrings__Postgres").At("valueFrom", "secretKeyRef");
        Assert.Equal(("pgallinone", "ConnectionStrings__Postgres"), (reference.Text("name"), reference.Text("key")));
    }

    private static string Id(object manifest) => $"{manifest.Text("kind")}/{manifest.Text("metadata", "name")}";
}
