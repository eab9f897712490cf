using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgAllInOne.Postgres;
using PgAllInOne.Tests.Cli;
using PgAllInOne.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PgAllInOne.Tests.Backups;

/// <summary>
/// Restore drills on a real silo process with its embedded PostgreSQL and synchronous backups: acknowledged events,
/// metric readings and records are written, a time T noted and a restore point set, more is written; then the silo and
/// its PostgreSQL are killed (-9) and the data folder deleted. pgaio restore builds new data folders from the backup
/// directory alone: to T and to the restore point they hold exactly the writes acknowledged before, none after;
/// --latest holds every acknowledged write, is served by a silo started on it, and pg_amcheck finds it clean. A restore
/// into a folder that is not empty, to a time outside the window, or from a broken backup is refused with one line and
/// exit code 1, touching nothing.
/// </summary>
[Trait("Category", "EndToEnd")] // beside other classes: the server it kills is its own, and its restores' times are reported, not bounded
public sealed class RestoreDrillTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder root = new("pgaio-drill");

    [Fact]
    public async Task ARestore_HoldsExactlyTheAcknowledgedWrites_BeforeItsTarget_AndEveryOneWithLatest()
    {
        var data = Path.Combine(root.Path, "data");
        var backups = Path.Combine(root.Path, "backups");
        Directory.CreateDirectory(root.Path);
        Written before, after;
        DateTimeOffset t;
        using (var silo = new EmbeddedSiloProcess(data, $"--Backup:Directory={backups}", "--Backup:Synchronous=true"))
        {
            await silo.WaitUntilReadyAsync();
            using var http = silo.Http();
            await Eventually.TrueAsync(async () => (await http.GetFromJsonAsync<JsonElement>("/api/backups")).GetProperty("backups").EnumerateArray().Any(b => b.GetProperty("verified").GetBoolean()), "a verified base backup", TimeSpan.FromSeconds(60));

            before = await WriteAsync(http, "before");
            var point = await http.PostAsJsonAsync("/api/backups/restore-points", new { name = "drill-point" });
            Assert.Equal(HttpStatusCode.Created, point.StatusCode);
            t = DateTimeOffset.UtcNow;
            await Task.Delay(50);
            after = await WriteAsync(http, "after");

            var list = await http.GetFromJsonAsync<JsonElement>("/api/backups");
            var window = list.GetProperty("window");
            Assert.True(window.GetProperty("earliest").GetDateTimeOffset() < t && window.GetProperty("latest").GetDateTimeOffset() > t, list.ToString());
            Assert.Contains("drill-point", list.GetProperty("restorePoints").EnumerateArray().Select(p => p.GetProperty("name").GetString()));

            await silo.KillWithPostgresAsync();
        }

        Directory.Delete(data, recursive: true);
        output.WriteLine($"acknowledged before T: {before}; after T: {after}");

        var toTime = await RestoreAsync("to-time", "--to-time", t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        Assert.Equal(before, await ReadAsync(toTime));

        var toName = await RestoreAsync("to-name", "--to-name", "drill-point");
        Assert.Equal(before, await ReadAsync(toName));

        var latest = await RestoreAsync("latest", "--latest");
        Assert.Equal(before + after, await ReadAsync(latest, amcheck: true));

        // A silo started on the restored folder serves it as its embedded PostgreSQL.
        using (var restored = new EmbeddedSiloProcess(latest))
        {
            await restored.WaitUntilReadyAsync();
            using var http = restored.Http();
            var user = await http.GetFromJsonAsync<JsonElement>($"/api/users/{after.UserIds[0]}");
            Assert.Equal(after.EventsPerUser, user.GetProperty("eventCount").GetInt32());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/records/after-record-0")).StatusCode);
            await restored.TerminateAsync();
        }

        await RefusalsAsync(backups, latest, t);
    }

    public void Dispose() => root.Dispose();

    private async Task RefusalsAsync(string backups, string restored, DateTimeOffset t)
    {
        var before = Directory.GetFileSystemEntries(restored, "*", SearchOption.AllDirectories).Length;
        await RefusedAsync(["restore", "--backup-dir", backups, "--data-dir", restored, "--latest"], "is not empty");
        Assert.Equal(before, Directory.GetFileSystemEntries(restored, "*", SearchOption.AllDirectories).Length);

        var fresh = Path.Combine(root.Path, "refused");
        await RefusedAsync(["restore", "--backup-dir", backups, "--data-dir", fresh, "--to-time", t.AddDays(-1).ToString("O", CultureInfo.InvariantCulture)], "outside the restorable window");
        Assert.False(Directory.Exists(fresh));

        // A flipped byte in a file of the newest base backup: pg_verifybackup's checksum finds it.
        var newest = Directory.GetDirectories(Path.Combine(backups, "base")).Order(StringComparer.Ordinal).Last();
        var victim = Path.Combine(newest, "data", "global", "pg_control");
        var bytes = await File.ReadAllBytesAsync(victim);
        bytes[100] ^= 0xFF;
        await File.WriteAllBytesAsync(victim, bytes);
        await RefusedAsync(["restore", "--backup-dir", backups, "--data-dir", fresh, "--latest"], "is broken");
        Assert.False(Directory.Exists(fresh));
    }

    private async Task RefusedAsync(string[] args, string reason)
    {
        var run = await CliRunner.RunRawAsync(args);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(run.ExitCode == 1 && lines.Length == 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal) && lines[0].Contains(reason, StringComparison.Ordinal), run.ToString());
        output.WriteLine($"refused: {lines[0]}");
    }

    private async Task<string> RestoreAsync(string name, params string[] target)
    {
        var folder = Path.Combine(root.Path, name);
        var started = Stopwatch.GetTimestamp();
        var run = await CliRunner.RunRawAsync(["restore", "--backup-dir", Path.Combine(root.Path, "backups"), "--data-dir", folder, .. target]);
        Assert.True(run.ExitCode == 0, run.ToString());
        output.WriteLine($"restore {string.Join(' ', target)}: {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s\n{run.Output.Trim()}");
        return folder;
    }

    // 3 users with 2 batches of 5 events each, 3 batches of 20 readings of one device, 5 records: each acknowledged (2xx).
    private static async Task<Written> WriteAsync(HttpClient http, string phase)
    {
        var users = new List<long>();
        for (var u = 0; u < 3; u++)
        {
            var created = await http.PostAsJsonAsync("/api/users", new { username = $"{phase}-{u}-{Guid.NewGuid():N}"[..40], email = $"{phase}{u}{Guid.NewGuid():N}@example.com" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            users.Add(id);
            for (var batch = 0; batch < 2; batch++)
            {
                var events = Enumerable.Range(0, 5).Select(i => new { type = $"{phase}-event", data = new { batch, i } }).ToArray();
                Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync($"/api/users/{id}/events", events)).StatusCode);
            }
        }

        for (var batch = 0; batch < 3; batch++)
        {
            var readings = Enumerable.Range(0, 20).Select(i => new { metric = $"{phase}-temperature", value = (batch * 20) + i }).ToArray();
            Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync("/api/devices/drill-device/metrics", readings)).StatusCode);
        }

        for (var r = 0; r < 5; r++)
        {
            Assert.True((await http.PutAsJsonAsync($"/api/records/{phase}-record-{r}", new { data = new { phase, r } })).IsSuccessStatusCode);
        }

        return new Written(users, 30, 60, 5);
    }

    // What the restored data folder holds, read from its own PostgreSQL started as the silo starts it.
    private async Task<Written> ReadAsync(string dataDirectory, bool amcheck = false)
    {
        await using var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = dataDirectory }, NullLogger.Instance);
        await using var source = NpgsqlDataSource.Create(server.ConnectionString);
        var users = new List<long>();
        await using (var command = source.CreateCommand("SELECT DISTINCT user_id FROM events ORDER BY 1"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                users.Add(reader.GetInt64(0));
            }
        }

        var events = await CountAsync(source, "SELECT count(*) FROM events");
        var readings = await CountAsync(source, "SELECT count(*) FROM metrics WHERE device_id = 'drill-device'");
        var records = await CountAsync(source, "SELECT count(*) FROM records WHERE id LIKE '%-record-%'");
        Assert.Equal(events, users.Count * 10);
        if (amcheck)
        {
            var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString);
            var check = Process.Start(new ProcessStartInfo(Path.Combine(EmbeddedPostgres.FindBinDirectory()!, "pg_amcheck"), ["--host", "127.0.0.1", "--port", connection.Port.ToString(CultureInfo.InvariantCulture), "--username", connection.Username!, "--install-missing", "--heapallindexed", "--all"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["PGPASSWORD"] = connection.Password },
            })!;
            var text = await check.StandardOutput.ReadToEndAsync() + await check.StandardError.ReadToEndAsync();
            await check.WaitForExitAsync();
            Assert.True(check.ExitCode == 0 && text.Trim().Length == 0, $"pg_amcheck exit {check.ExitCode}: {text}");
            output.WriteLine("pg_amcheck --heapallindexed --all: clean");
        }

        return new Written(users, (int)events, (int)readings, (int)records);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>What a phase wrote (users and the counts of their rows); two are equal when they hold the same users and counts.</summary>
    private sealed record Written(IReadOnlyList<long> UserIds, int Events, int Readings, int Records)
    {
        public int EventsPerUser => UserIds.Count == 0 ? 0 : Events / UserIds.Count;

        public static Written operator +(Written a, Written b) => new([.. a.UserIds, .. b.UserIds], a.Events + b.Events, a.Readings + b.Readings, a.Records + b.Records);

        public bool Equals(Written? other) => other is not null && UserIds.Order().SequenceEqual(other.UserIds.Order()) && (Events, Readings, Records) == (other.Events, other.Readings, other.Records);

        public override int GetHashCode() => HashCode.Combine(UserIds.Count, Events, Readings, Records);

        public override string ToString() => $"{UserIds.Count} users [{string.Join(',', UserIds)}], {Events} events, {Readings} readings, {Records} records";
    }
}
