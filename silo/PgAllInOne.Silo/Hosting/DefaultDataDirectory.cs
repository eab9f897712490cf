namespace PgAllInOne.Silo.Hosting;

/// <summary>
/// Where a silo keeps its embedded PostgreSQL and <c>admin.key</c> unless <c>Silo:DataDirectory</c> says otherwise: the
/// user's data folder (<c>$XDG_DATA_HOME/pgallinone</c>, else <c>~/.local/share/pgallinone</c>; on Windows
/// <c>%LOCALAPPDATA%\pgallinone</c>), the same whichever folder the silo is started from. <c>pgaio</c> looks there too.
/// </summary>
public static class DefaultDataDirectory
{
    public const string FolderName = "pgallinone";

    public static string Path { get; } = Resolve();

    private static string Resolve()
    {
        var userData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);

        // No home at all (a bare service account): the working directory's data folder, as before.
        return string.IsNullOrEmpty(userData) ? System.IO.Path.GetFullPath("data") : System.IO.Path.Combine(userData, FolderName);
    }
}
