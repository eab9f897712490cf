using static PgAllInOne.Tests.Deployment.DeploymentFiles;

namespace PgAllInOne.Tests.Deployment;

/// <summary>
/// What <c>kubectl kustomize</c> makes of a folder under k8s/, for the features the manifests use: resources (files,
/// and folders with their own kustomization) and strategic-merge patches that delete an object (<c>$patch: delete</c>)
/// or merge maps into it (a null value removes a key; a list replaces the list).
/// </summary>
public static class Kustomize
{
    public static IReadOnlyList<object> Build(string folder)
    {
        var kustomization = Yaml.LoadAll(FullPath(folder + "/kustomization.yaml")).Single();
        var resources = new List<object>();
        foreach (var resource in kustomization.Items("resources").Cast<string>())
        {
            var path = Resolve(folder, resource);
            resources.AddRange(Directory.Exists(FullPath(path)) ? Build(path) : Yaml.LoadAll(FullPath(path)));
        }

        foreach (var patch in kustomization.Items("patches").Select(patch => patch.Text("path")!))
        {
            foreach (var document in Yaml.LoadAll(FullPath(Resolve(folder, patch))))
            {
                var (kind, name) = (document.Text("kind"), document.Text("metadata", "name"));
                var target = resources.SingleOrDefault(resource => resource.Text("kind") == kind && resource.Text("metadata", "name") == name)
                    ?? throw new InvalidOperationException($"{folder}/{patch}: no {kind} {name} to patch");
                if (document.Text("$patch") == "delete")
                {
                    resources.Remove(target);
                }
                else
                {
                    Merge((Dictionary<string, object?>)target, (Dictionary<string, object?>)document);
                }
            }
        }

        return resources;
    }

    /// <summary>The files a kustomization names itself (resources that are files, and patches), repository-relative.</summary>
    public static IReadOnlyList<string> OwnFiles(string folder)
    {
        var kustomization = Yaml.LoadAll(FullPath(folder + "/kustomization.yaml")).Single();
        return kustomization.Items("resources").Cast<string>().Select(resource => Resolve(folder, resource)).Where(path => File.Exists(FullPath(path)))
            .Concat(kustomization.Items("patches").Select(patch => Resolve(folder, patch.Text("path")!)))
            .ToList();
    }

    private static string Resolve(string folder, string relative) =>
        Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(FullPath(folder), relative))).Replace('\\', '/');

    private static void Merge(Dictionary<string, object?> target, Dictionary<string, object?> patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is Dictionary<string, object?> map && target.GetValueOrDefault(key) is Dictionary<string, object?> current)
            {
                Merge(current, map);
            }
            else
            {
                target[key] = value;
            }
        }
    }
}
