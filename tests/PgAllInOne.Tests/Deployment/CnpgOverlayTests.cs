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

        // The base less its trial PostgreSQL, plus the Cluster and its two accounts; the silos as they are.
        var expected = Manifests().Select(Id).Except(TrialPostgres).Append("Cluster/pgaio").Append("Secret/pgaio-app").Append("Secret/pgaio-serving");
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

        // The trial's settings, pgaudit's included, but the preload: the operator preloads pg_stat_statements and pgaudit
        // for a pg_stat_statements.* and a pgaudit.* setting.
        var trial = Manifests().Named("StatefulSet", "postgres").Items("spec", "template", "spec", "containers").Single().Items("args").Cast<string>().ToList();
        var trialSettings = trial.Select((argument, index) => (argument, index)).Where(pair => pair.argument == "-c")
            .Select(pair => trial[pair.index + 1].Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
        Assert.Equal("pg_stat_statements,pgaudit", trialSettings.Remove("shared_preload_libraries", out var preload) ? preload : null);
        // TLS is the operator's own: it always serves a certificate of its own authority (ssl and the ssl_*_file settings
        // are fixed by it, its minimum protocol is TLSv1.3 by default).
        Assert.Equal("on", trialSettings["ssl"]);
        foreach (var ssl in trialSettings.Keys.Where(key => key.StartsWith("ssl", StringComparison.Ordinal)).ToList())
        {
            trialSettings.Remove(ssl);
        }

        Assert.Contains(trialSettings.Keys, key => key.StartsWith("pgaudit.", StringComparison.Ordinal));
        var parameters = cluster.Map("spec", "postgresql", "parameters");
        Assert.Equal(trialSettings.OrderBy(pair => pair.Key), parameters.Select(pair => KeyValuePair.Create(pair.Key, (string)pair.Value!)).OrderBy(pair => pair.Key));
        Assert.False(parameters.ContainsKey("synchronous_commit"), "acknowledged writes must be durable");
        Assert.Contains(cluster.Items("spec", "bootstrap", "initdb", "postInitApplicationSQL").Cast<string>(), sql => sql.Contains("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", StringComparison.Ordinal));
    }

    [Fact]
    public void Silos_WriteToRw_AndReadFromRo_MigratingAsTheClustersOwner_AndServingAsAManagedLogin()
    {
        var built = Kustomize.Build(Overlay);
        var cluster = Assert.Single(built.OfKind("Cluster"));
        var name = cluster.Text("metadata", "name");
        var initdb = cluster.At("spec", "bootstrap", "initdb");

        var silos = built.Named("Secret", "pgallinone");
        Assert.Null(silos.At("stringData", "postgres-password")); // only the trial PostgreSQL read them
        Assert.Null(silos.At("stringData", "serving-password"));
        var admin = new NpgsqlConnectionStringBuilder(silos.Text("stringData", "postgres-admin.connection"));
        var serving = new NpgsqlConnectionStringBuilder(silos.Text("stringData", "postgres.connection"));
        foreach (var connection in new[] { admin, serving })
        {
            Assert.Equal([$"{name}-rw:5432", $"{name}-ro:5432"], connection.Host!.Split(','));
            Assert.Equal(initdb.Text("database"), connection.Database);
        }

        // The owner is the operator's application owner, with the password of its Secret.
        var owner = built.Named("Secret", initdb.Text("secret", "name")!);
        Assert.Equal("kubernetes.io/basic-auth", owner.Text("type"));
        Assert.Equal((initdb.Text("owner"), initdb.Text("owner")), (admin.Username, owner.Text("stringData", "username")));
        Assert.Equal(owner.Text("stringData", "password"), admin.Password);

        // The serving login is a managed role, a member of the group the migrations grant to, with its Secret's password.
        var roles = cluster.Items("spec", "managed", "roles");
        var login = Assert.Single(roles, role => role.Text("name") == serving.Username);
        Assert.NotEqual(admin.Username, serving.Username);
        Assert.Equal("true", login.Text("login"));
        Assert.Equal(["pgaio_serving"], login.Items("inRoles").Cast<string>());
        Assert.Equal("false", Assert.Single(roles, role => role.Text("name") == "pgaio_serving").Text("login"));
        var account = built.Named("Secret", login.Text("passwordSecret", "name")!);
        Assert.Equal("kubernetes.io/basic-auth", account.Text("type"));
        Assert.Equal((serving.Username, serving.Password), (account.Text("stringData", "username"), account.Text("stringData", "password")));
        Assert.NotEqual(admin.Password, serving.Password);

        // The silo reads both connection strings from that Secret's files, as in the base.
        var (workload, container) = Assert.Single(SiloContainers(built));
        var mount = container.Items("volumeMounts").Single(m => m.Text("mountPath") == "/run/secrets/pgallinone").Text("name");
        var volume = workload.Items("spec", "template", "spec", "volumes").Single(v => v.Text("name") == mount);
        Assert.Equal("pgallinone", volume.Text("secret", "secretName"));
        var environment = container.Items("env").ToDictionary(variable => variable.Text("name")!, variable => variable.Text("value"));
        foreach (var (variable, key) in new[] { ("ConnectionStrings__PostgresAdmin_FILE", "postgres-admin.connection"), ("ConnectionStrings__Postgres_FILE", "postgres.connection") })
        {
            var path = environment[variable]!;
            Assert.StartsWith("/run/secrets/pgallinone/", path, StringComparison.Ordinal);
            var item = Assert.Single(volume.Items("secret", "items"), item => item.Text("path") == path["/run/secrets/pgallinone/".Length..]);
            Assert.Equal(key, item.Text("key"));
        }

        // Every key the volume mounts is one the overlay's Secret still has (a missing key stops the pod from starting).
        Assert.All(volume.Items("secret", "items"), item => Assert.NotNull(silos.Text("stringData", item.Text("key")!)));
        Assert.DoesNotContain("ConnectionStrings__Postgres", environment.Keys);
    }

    private static string Id(object manifest) => $"{manifest.Text("kind")}/{manifest.Text("metadata", "name")}";
}
