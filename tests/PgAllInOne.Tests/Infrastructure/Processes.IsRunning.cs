using System.Diagnostics;

namespace PgAllInOne.Tests.Infrastructure;

// Apart from the rest of Processes so that the benchmarks, which link the Patroni cluster's files, can link it too.
public static partial class Processes
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
}
