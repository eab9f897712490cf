using System.Diagnostics;

namespace PgAllInOne.Tests.Infrastructure;

public static class Processes
{
    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        try
        {
            var fields = File.ReadAllText(stat);
            return fields[(fields.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
    }

    /// <summary>Waits for a process to end; the postmaster removes its pid file just before it exits.</summary>
    public static Task ExitedAsync(int pid) => Eventually.TrueAsync(() => !IsRunning(pid), $"process {pid} to exit", TimeSpan.FromSeconds(10));
}
