using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>One node of the test's Patroni cluster: a Patroni process (as the postgres account) and the PostgreSQL it runs.</summary>
public sealed class PatroniNode
{
    private static readonly HttpClient Rest = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly string config;
    private Process? patroni;

    internal PatroniNode(string name, string folder, int restPort, int postgresPort, string config)
    {
        (Name, Folder, RestPort, PostgresPort, this.config) = (name, folder, restPort, postgresPort, config);
    }

    public string Name { get; }

    public string Folder { get; }

    public int RestPort { get; }

    public int PostgresPort { get; }

    /// <summary><c>127.0.0.1:port</c>, as the silos' connection string names it.</summary>
    public string Host => $"127.0.0.1:{PostgresPort}";

    public bool IsRunning => patroni is { HasExited: false };

    internal void Start() => patroni = PatroniCluster.StartAsPostgres(Folder, "patroni.log", "/usr/bin/python3", "/usr/bin/patroni", config);

    /// <summary>200 from Patroni's REST <paramref name="path"/> (<c>/primary</c>, <c>/replica</c>, <c>/sync</c>, ...).</summary>
    public async Task<bool> AnswersAsync(string path)
    {
        try
        {
            using var response = await Rest.GetAsync(new Uri($"http://127.0.0.1:{RestPort}{path}"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>kill -9 of Patroni, its postmaster and every process of that postmaster: the machine is gone.</summary>
    public void KillNine()
    {
        var pids = new List<int>();
        if (patroni is { HasExited: false })
        {
            pids.Add(patroni.Id);
        }

        if (Postmaster() is { } postmaster)
        {
            pids.Add(postmaster);
            pids.AddRange(ChildrenOf(postmaster));
        }

        foreach (var pid in pids)
        {
            Signal("KILL", pid);
        }

        patroni?.WaitForExit(10_000);
    }

    /// <summary>kill -9 of the node's processes, then Patroni started again (PostgreSQL recovers, rewinds if needed and follows the leader).</summary>
    public void Restart()
    {
        KillNine();
        Start();
    }

    internal int? Postmaster()
    {
        var file = Path.Combine(Folder, "data", "postmaster.pid");
        try
        {
            var pid = int.Parse(File.ReadLines(file).First(), CultureInfo.InvariantCulture);
            return Processes.IsRunning(pid) ? pid : null;
        }
        catch (Exception exception) when (exception is IOException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    internal static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var stat in Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "stat")))
        {
            string text;
            try
            {
                text = File.ReadAllText(stat);
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
            {
                yield return int.Parse(text[..text.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            }
        }
    }
}
