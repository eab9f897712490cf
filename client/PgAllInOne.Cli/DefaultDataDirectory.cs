namespace PgAllInOne.Cli;

/// <summary>
/// The folder a silo keeps its <c>admin.key</c> in when <c>Silo:DataDirectory</c> is not set: the user's data folder
/// (<c>$XDG_DATA_HOME/pgallinone</c>, else <c>~/.local/share/pgallinone</c>; on Windows <c>%LOCALAPPDATA%\pgallinone</c>),
/// whichever folder the silo and pgaio are started from.
/// </summary>
public static class DefaultDataDirectory
{
    public const string FolderName = "pgallinone";

    /// <summary>Resolved the way .NET resolves the silo's user data folder, from the given environment.</summary>
    public static string Resolve(Func<string, string?> environment)
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), FolderName);
        }

        if (environment("XDG_DATA_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, FolderName);
        }

        var home = environment("HOME") is { Length: > 0 } fromEnvironment ? fromEnvironment : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? Path.GetFullPath("data") : Path.Combine(home, ".local", "share", FolderName);
    }
}
