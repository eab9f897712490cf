using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using PgAllInOne.Postgres.Backups;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Backups;

/// <summary>
/// The backup location stops answering under a silo process with synchronous backups: its pg_receivewal is stopped
/// (SIGSTOP, as a process hung on its disk would be) while writers post events. No write hangs: each is answered within
/// about Backup:SynchronousTimeout, a 503 with Retry-After ("Overloaded": not stored; "Outcome unknown": it was on its way)
/// or a 2xx, never a 500; every 2xx is stored and every "Overloaded" is not; the silo kills the stuck receiver and
/// starts another, writes are acknowledged again without a restart, and the metric and the log say what happened. A
/// silo without backups leaves synchronous_standby_names to the connected receiver, and the backup silo sets it again
/// when it is changed behind it.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(RunsAloneCollection.Name)] // runs alone: it bounds answer times
[Trait(RunsAloneCollection.Trait, RunsAloneCollection.Value)]
public sealed class SynchronousBackupOutageTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan SynchronousTimeout = TimeSpan.FromSeconds(2);

    // The silo looks at the receiver every second; the rest is room for a loaded machine and the HTTP round trip.
    private static readonly TimeSpan AnswerBound = SynchronousTimeout + TimeSpan.FromSeconds(5);
    private const int Writers = 4;
    private readonly TempFolder root = new("pgaio-backup-outage");

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task AStoppedReceiver_Answers503WithRetryAfter_WithinTheTimeout_LosesNoAcknowledgedWrite_AndIsReplacedByTheSilo()
    {
        Directory.CreateDirectory(root.Path);
        using var silo = new EmbeddedSiloProcess(
            Path.Combine(root.Path, "data"),
            $"--Backup:Directory={Path.Combine(root.Path, "backups")}",
            "--Backup:Synchronous=true",
            $"--Backup:SynchronousTimeout={SynchronousTimeout:c}");
        await silo.WaitUntilReadyAsync();
        using var http = silo.Http();
        var users = new long[Writers];
        for (var w = 0; w < Writers; w++)
        {
            users[w] = await CreateUserAsync(http, w); // taken once the receiver streams
        }

        var stopped = await SoonAsync(() => ReceiverOf(silo.ProcessId), "the silo's pg_receivewal", TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        var answers = new ConcurrentQueue<Answer>();
        using var load = new CancellationTokenSource();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(http, w, users[w], clock, answers, load.Token))).ToList();

        await Task.Delay(1000);
        Signal("STOP", stopped);
        var stoppedAt = clock.Elapsed;
        TimeSpan replacedAt;
        try
        {
            var replacement = await SoonAsync(() => ReceiverOf(silo.ProcessId) is { } pid && pid != stopped ? pid : null, "a new pg_receivewal started by the silo", TimeSpan.FromSeconds(20));
            replacedAt = clock.Elapsed;
            output.WriteLine($"pg_receivewal {stopped} stopped at {stoppedAt.TotalSeconds:0.0} s; {replacement} started by the silo by {replacedAt.TotalSeconds:0.0} s");
            await Eventually.TrueAsync(() => answers.Any(a => a.Status == 201 && a.Sent > replacedAt), "a write acknowledged after the new receiver started", TimeSpan.FromSeconds(20));
            await Task.Delay(500);
        }
        finally
        {
            await load.CancelAsync();
            await Task.WhenAll(writers);
        }

        var all = answers.ToList();
        var byKind = all.GroupBy(a => a.Kind).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", byKind.Select(k => $"{k.Key}: {k.Value}")));
        output.WriteLine($"slowest answer {all.Max(a => a.Took).TotalSeconds:0.00} s");
        foreach (var kind in all.Where(a => a.Sent > stoppedAt).GroupBy(a => a.Kind))
        {
            output.WriteLine($"after the stop, {kind.Key}: {kind.Count()}, sent {kind.Min(a => a.Sent).TotalSeconds:0.0}-{kind.Max(a => a.Sent).TotalSeconds:0.0} s, answered within {kind.Max(a => a.Took).TotalSeconds:0.00} s");
        }


        Assert.All(all, a => Assert.True(a.Kind is "201" or "503 Overloaded" or "503 Outcome unknown", $"answered {a.Kind} ({a.Detail})"));
        Assert.All(all, a => Assert.True(a.Status != 503 || a.RetryAfter, $"a 503 without Retry-After: {a.Detail}"));
        Assert.All(all, a => Assert.True(a.Took <= AnswerBound, $"a write sent at {a.Sent.TotalSeconds:0.0} s was answered after {a.Took.TotalSeconds:0.0} s ({a.Kind})"));
        Assert.Contains(all, a => a.Status == 503 && a.Sent > stoppedAt);
        Assert.Contains(all, a => a.Status == 201 && a.Sent + a.Took < stoppedAt);

        // Every acknowledged write is stored, and none refused as not stored is; those of unknown outcome may be either.
        for (var w = 0; w < Writers; w++)
        {
            var stored = await StoredAsync(http, users[w]);
            var mine = all.Where(a => a.Writer == w).ToList();
            Assert.Empty(mine.Where(a => a.Status == 201).Select(a => a.Sequence).Except(stored));
            Assert.Empty(stored.Intersect(mine.Where(a => a.Kind == "503 Overloaded").Select(a => a.Sequence)));
        }

        var metrics = await http.GetStringAsync("/metrics");
        var refused = metrics.Split('\n').Single(line => line.StartsWith("pgaio_backup_writes_refused_seconds_total", StringComparison.Ordinal));
        Assert.True(double.Parse(refused.Split(' ')[^1], CultureInfo.InvariantCulture) > 0, refused);
        Assert.Contains(silo.Output, line => line.Contains("pg_receivewal has not reported to the server", StringComparison.Ordinal));

        await SynchronousNamesAreKeptAsync(silo);
    }

    // Another silo starting without backups leaves the setting alone while a receiver is connected; when it is changed
    // all the same, the backup silo sets it again within its status interval.
    private static async Task SynchronousNamesAreKeptAsync(EmbeddedSiloProcess silo)
    {
        var superuser = new NpgsqlConnectionStringBuilder((await File.ReadAllTextAsync(Path.Combine(silo.DataDirectory, "postgres-admin.connection"))).Trim()) { Pooling = false };
        await using var server = NpgsqlDataSource.Create(superuser.ConnectionString);
        await BackupService.ClearLeftoverSynchronousAsync(server, CancellationToken.None);
        Assert.Equal("pgaio_backup", await SynchronousNamesAsync(server));

        await using (var reset = server.CreateCommand("ALTER SYSTEM RESET synchronous_standby_names"))
        {
            await reset.ExecuteNonQueryAsync();
        }

        await using (var reload = server.CreateCommand("SELECT pg_reload_conf()"))
        {
            await reload.ExecuteNonQueryAsync();
        }

        await Eventually.TrueAsync(async () => await SynchronousNamesAsync(server) == "pgaio_backup", "synchronous_standby_names set again by the backup silo", TimeSpan.FromSeconds(10));
        Assert.Contains(silo.Output, line => line.Contains("synchronous_standby_names was changed to ''", StringComparison.Ordinal));
    }

    private static async Task<string> SynchronousNamesAsync(NpgsqlDataSource server)
    {
        await using var show = server.CreateCommand("SHOW synchronous_standby_names");
        return (string)(await show.ExecuteScalarAsync())!;
    }

    private static async Task WriteAsync(HttpClient http, int writer, long user, Stopwatch clock, ConcurrentQueue<Answer> answers, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var sent = clock.Elapsed;
            try
            {
                using var response = await http.PostAsJsonAsync($"/api/users/{user}/events", new { type = "outage", data = new { i } }, CancellationToken.None); // a write sent is seen to its answer
                var title = response.IsSuccessStatusCode ? "" : (await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("title").GetString();
                var detail = response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync(CancellationToken.None);
                answers.Enqueue(new Answer(writer, i, (int)response.StatusCode, title, response.Headers.RetryAfter is not null, sent, clock.Elapsed - sent, detail));
                await Task.Delay(response.IsSuccessStatusCode ? 20 : 100, CancellationToken.None);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                answers.Enqueue(new Answer(writer, i, 0, exception.GetType().Name, false, sent, clock.Elapsed - sent, exception.Message));
            }
        }
    }

    private static async Task<long> CreateUserAsync(HttpClient http, int writer)
    {
        long id = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                using var created = await http.PostAsJsonAsync("/api/users", new { username = $"outage-{writer}-{Guid.NewGuid():N}"[..30], email = $"outage{writer}{Guid.NewGuid():N}@example.com" });
                if (created.StatusCode != HttpStatusCode.Created)
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, created.StatusCode);
                    return false;
                }

                id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
                return true;
            },
            "a user created once the receiver streams",
            TimeSpan.FromSeconds(30));
        return id;
    }

    private static async Task<HashSet<int>> StoredAsync(HttpClient http, long user)
    {
        var events = await http.GetFromJsonAsync<JsonElement>($"/api/users/{user}/events?limit=1000");
        Assert.True(events.GetArrayLength() < 1000, "more events than one listing holds");
        return events.EnumerateArray().Select(e => e.GetProperty("data").GetProperty("i").GetInt32()).ToHashSet();
    }

    private static async Task<int> SoonAsync(Func<int?> find, string description, TimeSpan timeout)
    {
        int? found = null;
        await Eventually.TrueAsync(() => (found = find()) is not null, description, timeout);
        return found!.Value;
    }

    /// <summary>The pg_receivewal child of the silo process, if one runs.</summary>
    private static int? ReceiverOf(int silo)
    {
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(folder, "stat"));
            }
            catch (IOException)
            {
                continue; // it exited meanwhile
            }

            // "pid (comm) state ppid ...": the command name may hold spaces, so the fields are read after its parenthesis.
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            if (stat[(stat.IndexOf('(') + 1)..close] == "pg_receivewal" && fields[0] != "Z" && int.Parse(fields[1], CultureInfo.InvariantCulture) == silo)
            {
                return pid;
            }
        }

        return null;
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private sealed record Answer(int Writer, int Sequence, int Status, string? Title, bool RetryAfter, TimeSpan Sent, TimeSpan Took, string Detail)
    {
        public string Kind => Status == 201 ? "201" : $"{Status} {Title}";
    }
}
