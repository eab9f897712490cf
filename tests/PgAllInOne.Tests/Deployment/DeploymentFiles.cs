using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PgAllInOne.Tests.Deployment;

/// <summary>The repository's docker/ and k8s/ files, found from the test output folder and parsed.</summary>
public static partial class DeploymentFiles
{
    public const string ComposeFile = "docker/docker-compose.yml";
    public const string DockerfilePath = "docker/Dockerfile";
    public const string SiloImagePrefix = "pgallinone/silo:";

    private static readonly string[] DeploymentFolders = ["docker", "k8s"];

    private static readonly string[] Workloads = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"];

    public static string Root { get; } = FindRoot();

    public static string FullPath(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(FullPath(relative));

    /// <summary>Every .yml/.yaml file under docker/ and k8s/, repository-relative with forward slashes.</summary>
    public static IReadOnlyList<string> YamlFiles() =>
        DeploymentFolders
            .SelectMany(folder => Directory.EnumerateFiles(FullPath(folder), "*.*", SearchOption.AllDirectories))
            .Where(file => file.EndsWith(".yml", StringComparison.Ordinal) || file.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(Relative)
            .Order(StringComparer.Ordinal)
            .ToList();

    public static object Compose(string file = ComposeFile) => Yaml.LoadAll(FullPath(file)).Single();

    /// <summary>The compose services running the silo image, by service name.</summary>
    public static IReadOnlyList<(string Name, object? Service)> ComposeSilos(object compose) =>
        compose.Map("services")
            .Where(service => service.Value.Text("image")?.StartsWith(SiloImagePrefix, StringComparison.Ordinal) == true)
            .Select(service => (service.Key, service.Value))
            .ToList();

    /// <summary>A compose service's environment, whether written as a mapping or as KEY=value items.</summary>
    public static IReadOnlyDictionary<string, string> ComposeEnvironment(object? service)
    {
        if (service.At("environment") is List<object?> items)
        {
            return items.OfType<string>().Select(item => item.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "", StringComparer.Ordinal);
        }

        return service.Map("environment").ToDictionary(pair => pair.Key, pair => pair.Value as string ?? "", StringComparer.Ordinal);
    }

    /// <summary>The folder of the manifests every deployment shares (k8s/ applies it as it is, k8s/cnpg/ patches it).</summary>
    public const string K8sBase = "k8s/base";

    /// <summary>Every document of the manifests of one overlay (k8s/NAME/) except its kustomization.</summary>
    public static IReadOnlyList<object> OverlayManifests(string name) =>
        YamlFiles()
            .Where(file => file.StartsWith($"k8s/{name}/", StringComparison.Ordinal) && !file.EndsWith("/kustomization.yaml", StringComparison.Ordinal))
            .SelectMany(file => Yaml.LoadAll(FullPath(file)))
            .ToList();

    /// <summary>Every document of every manifest under k8s/base/ except the kustomization.</summary>
    public static IReadOnlyList<object> Manifests() =>
        YamlFiles()
            .Where(file => file.StartsWith(K8sBase + "/", StringComparison.Ordinal) && !file.EndsWith("/kustomization.yaml", StringComparison.Ordinal))
            .SelectMany(file => Yaml.LoadAll(FullPath(file)))
            .ToList();

    public static IEnumerable<object> OfKind(this IEnumerable<object> manifests, string kind) =>
        manifests.Where(manifest => manifest.Text("kind") == kind);

    public static object Named(this IEnumerable<object> manifests, string kind, string name) =>
        manifests.OfKind(kind).SingleOrDefault(manifest => manifest.Text("metadata", "name") == name)
        ?? throw new InvalidOperationException($"k8s/ has no {kind} named {name}.");

    /// <summary>Workloads and their containers that run the silo image.</summary>
    public static IReadOnlyList<(object Workload, object Container)> SiloContainers(IEnumerable<object> manifests) =>
        manifests
            .Where(manifest => Workloads.Contains(manifest.Text("kind")))
            .SelectMany(workload => workload.Items("spec", "template", "spec", "containers").Select(container => (workload, container)))
            .Where(pair => pair.container.Text("image")?.StartsWith(SiloImagePrefix, StringComparison.Ordinal) == true)
            .Select(pair => (pair.workload, pair.container!))
            .ToList();

    /// <summary>A probe's or Service's port: a number, or the name of one of the container's ports.</summary>
    public static int ResolvePort(object container, string port) =>
        int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : Number(container.Items("ports").Single(p => p.Text("name") == port).Text("containerPort"));

    public static int Number(string? text) => int.Parse(text ?? throw new InvalidOperationException("missing number"), CultureInfo.InvariantCulture);

    /// <summary>The Dockerfile's instructions (keyword, arguments), continuation lines joined, comments dropped.</summary>
    public static IReadOnlyList<(string Keyword, string Arguments)> DockerfileInstructions(string path = DockerfilePath)
    {
        var joined = ContinuationRegex().Replace(string.Join('\n', Read(path).Split('\n').Where(line => !line.TrimStart().StartsWith('#'))), " ");
        return joined.Split('\n')
            .Where(line => line.Trim().Length > 0)
            .Select(line => line.Trim().Split(' ', 2))
            .Select(parts => (parts[0].ToUpperInvariant(), parts.Length > 1 ? parts[1].Trim() : ""))
            .ToList();
    }

    /// <summary>Runs a copy of docker/secrets/generate.sh in <paramref name="folder"/>; returns the folder it wrote to.</summary>
    public static async Task<string> GenerateSecretsAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        var script = Path.Combine(folder, "generate.sh");
        File.Copy(FullPath("docker/secrets/generate.sh"), script);
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("sh did not start");
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await error);
        return folder;
    }

    private static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "PgAllInOne.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No PgAllInOne.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"\\[ \t]*\n")]
    private static partial Regex ContinuationRegex();
}
