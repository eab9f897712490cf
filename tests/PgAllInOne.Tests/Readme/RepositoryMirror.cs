namespace PgAllInOne.Tests.Readme;

/// <summary>
/// A folder that looks like the repository root, so that the README's commands run there as written while what they
/// write to the folder they run in (the silo's <c>./data</c>) stays out of the real repository, where a developer's own
/// data may be. Its top-level entries are symbolic links to the repository's, except the folders holding projects:
/// those are copied without their <c>bin</c>, <c>obj</c> and <c>data</c>, because MSBuild building one project under two
/// paths (the link's and the real one) mixes up the two restores and its incremental clean deletes the real build's
/// outputs; built here, the projects have bin and obj folders of their own.
/// </summary>
public static class RepositoryMirror
{
    private static readonly string[] NotCopied = ["bin", "obj", "data", "TestResults"];

    public static void Create(string repositoryRoot, string mirror)
    {
        Directory.CreateDirectory(mirror);
        foreach (var entry in new DirectoryInfo(repositoryRoot).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(mirror, entry.Name);
            if (entry.Name is ".git" or "data")
            {
                continue;
            }

            if (entry is DirectoryInfo folder && HoldsProjects(folder))
            {
                Copy(folder, target);
            }
            else
            {
                File.CreateSymbolicLink(target, entry.FullName);
            }
        }
    }

    private static bool HoldsProjects(DirectoryInfo folder) =>
        folder.LinkTarget is null && folder.EnumerateFiles("*.csproj", SearchOption.AllDirectories).Any();

    private static void Copy(DirectoryInfo folder, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in folder.EnumerateFiles())
        {
            file.CopyTo(Path.Combine(target, file.Name));
        }

        foreach (var child in folder.EnumerateDirectories().Where(d => !NotCopied.Contains(d.Name, StringComparer.Ordinal)))
        {
            Copy(child, Path.Combine(target, child.Name));
        }
    }
}
