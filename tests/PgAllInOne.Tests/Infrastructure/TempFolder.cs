namespace PgAllInOne.Tests.Infrastructure;

/// <summary>A folder under the temp directory, removed on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix) => Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
